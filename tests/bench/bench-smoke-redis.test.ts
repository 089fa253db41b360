import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { parseBenchArgs } from '../../bench/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('the benchmark (real Redis, real SQLite, tiny sizes)', () => {
  it('runs the interview through the pipeline and prints one JSON object as its last line', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', '--quick', '--json', '--seconds', '1.5', '--patients', '10', '--offered', '40', '--redis-url', inject('redisUrl')],
      { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, REDIS_URL: '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const result = JSON.parse(lines.at(-1)!) as Record<string, unknown> & {
      targets: Record<string, number>;
      targets_met: Record<string, boolean>;
      params: Record<string, unknown>;
    };
    // Human-readable lines come first.
    expect(lines.some((l) => l.startsWith('throughput '))).toBe(true);
    for (const field of ['throughput_msgs_per_s', 'echo_msgs_per_s', 'offered_msgs_per_s', 'rss_mb', 'conversations', 'duration_s', 'messages_in']) {
      expect(result[field], field).toBeGreaterThan(0);
    }
    for (const field of ['p50_ms', 'p95_ms', 'p99_ms']) expect(typeof result[field], field).toBe('number');
    expect(result.p50_ms as number).toBeLessThanOrEqual(result.p95_ms as number);
    expect(result.p95_ms as number).toBeLessThanOrEqual(result.p99_ms as number);
    expect(result.offered_msgs_per_s).toBe(40);
    expect(result.targets).toEqual({ throughput_min: 2000, echo_ratio_min: 0.5, p99_max_ms: 100 });
    expect(Object.keys(result.targets_met).sort()).toEqual(['all', 'echo_ratio', 'p99', 'throughput']);
    expect(result.database).toBe('sqlite');
    expect(result.params).toMatchObject({ sqlite_journal: 'wal', redis: 'external', patients: 10 });
    // Quick mode measures 1 and 2 worker processes; the headline is the 2-process run, Redis counted on every connection.
    expect(result.workers).toBe(2);
    expect(result.redis_cmds_per_msg as number).toBeGreaterThan(0);
    const scaling = result.scaling as Record<string, number>[];
    expect(scaling.map((s) => s.workers)).toEqual([1, 2]);
    for (const s of scaling) {
      for (const field of ['throughput_msgs_per_s', 'echo_msgs_per_s', 'echo_ratio', 'redis_cmds_per_msg', 'rss_mb']) expect(s[field], `x${s.workers} ${field}`).toBeGreaterThan(0);
      expect(typeof s.p99_ms, `x${s.workers} p99_ms`).toBe('number');
    }
    expect(scaling[1]!.throughput_msgs_per_s).toBe(result.throughput_msgs_per_s);
    expect(lines.some((l) => l.startsWith('scaling '))).toBe(true);
    // Every patient message got its reply, and the pipeline lost or poisoned nothing.
    expect(result.unanswered).toBe(0);
    expect(result.dead_letters).toBe(0);
    expect(result.messages_out as number).toBeGreaterThanOrEqual(result.messages_in as number);
  }, 150_000);
});

describe('bench options', () => {
  it('takes sizes from flags and REDIS_URL from the environment', () => {
    expect(parseBenchArgs(['--patients', '50', '--seconds', '3', '--offered', '100', '--json'], { REDIS_URL: 'redis://h:1' })).toMatchObject({
      patients: 50,
      seconds: 3,
      offered: 100,
      json: true,
      redisUrl: 'redis://h:1',
    });
    expect(parseBenchArgs([])).toMatchObject({ patients: 300, seconds: 20, offered: 500, concurrency: 16, quick: false, workers: os.availableParallelism() });
    expect(parseBenchArgs(['--quick'])).toMatchObject({ quick: true, patients: 20, seconds: 2, workers: 2 });
    expect(parseBenchArgs(['--workers', '3'])).toMatchObject({ workers: 3 });
  });

  it('names a bad flag instead of running', () => {
    expect(parseBenchArgs(['--patients', 'many'])).toEqual({ problem: expect.stringContaining('--patients') });
    expect(parseBenchArgs(['--nope'])).toHaveProperty('problem');
    expect(parseBenchArgs(['--workers', '0'])).toEqual({ problem: expect.stringContaining('--workers') });
  });
});
