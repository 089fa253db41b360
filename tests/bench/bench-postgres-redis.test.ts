import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { parseBenchArgs } from '../../bench/index.js';
import { benchSchemas } from '../../bench/bench-database.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const databaseUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!databaseUrl)('the benchmark on PostgreSQL (real Redis, TEST_DATABASE_URL, tiny sizes)', () => {
  it('runs the interview in schemas of its own, says so in the JSON line, and drops the schemas at the end', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', '--quick', '--json', '--seconds', '1.5', '--patients', '10', '--offered', '40', '--redis-url', inject('redisUrl'), '--database', 'postgres', '--database-url', databaseUrl!],
      { cwd: repoRoot, encoding: 'utf8', timeout: 150_000, env: { ...process.env, REDIS_URL: '', DATABASE_URL: '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown> & { params: Record<string, unknown>; scaling: Record<string, number>[] };
    expect(result.database).toBe('postgres');
    expect(result.params.sqlite_journal).toBeNull();
    expect(result.params.pg_schema_prefix).toMatch(/^bench_[0-9a-f]{8}$/);
    expect(result.scaling.map((s) => s.workers)).toEqual([1, 2]);
    for (const s of result.scaling) {
      expect(s.throughput_msgs_per_s, `x${s.workers}`).toBeGreaterThan(0);
      expect(typeof s.p99_ms, `x${s.workers} p99_ms`).toBe('number');
    }
    for (const field of ['conversations', 'messages_in']) expect(result[field], field).toBeGreaterThan(0);
    expect(result.unanswered).toBe(0);
    expect(result.dead_letters).toBe(0);
    expect(result.messages_out as number).toBeGreaterThanOrEqual(result.messages_in as number);
    // Every schema the run made is gone.
    expect(benchSchemas(databaseUrl!, result.params.pg_schema_prefix as string)).toEqual([]);
  }, 180_000);
});

describe('bench database options', () => {
  it('defaults to SQLite; PostgreSQL takes its URL from the flag, BENCH_DATABASE_URL, TEST_DATABASE_URL, then the local server', () => {
    expect(parseBenchArgs([])).toMatchObject({ database: 'sqlite' });
    expect(parseBenchArgs([])).not.toHaveProperty('databaseUrl');
    expect(parseBenchArgs(['--database', 'postgres'])).toMatchObject({ database: 'postgres', databaseUrl: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(parseBenchArgs(['--database', 'postgres'], { TEST_DATABASE_URL: 'postgres://t@h/test' })).toMatchObject({ databaseUrl: 'postgres://t@h/test' });
    expect(parseBenchArgs(['--database', 'postgres'], { TEST_DATABASE_URL: 'postgres://t@h/test', BENCH_DATABASE_URL: 'postgres://b@h/b' })).toMatchObject({ databaseUrl: 'postgres://b@h/b' });
    expect(parseBenchArgs(['--database', 'postgres', '--database-url', 'postgresql://f@h/f'], { BENCH_DATABASE_URL: 'postgres://b@h/b' })).toMatchObject({ databaseUrl: 'postgresql://f@h/f' });
  });

  it('refuses an unknown database, a URL that is not PostgreSQL, and the SQLite-only scale bench on PostgreSQL', () => {
    expect(parseBenchArgs(['--database', 'mysql'])).toEqual({ problem: expect.stringContaining('--database') });
    expect(parseBenchArgs(['--database', 'postgres', '--database-url', 'mysql://x'])).toEqual({ problem: expect.stringContaining('--database-url') });
    expect(parseBenchArgs(['--scale', '--database', 'postgres'])).toEqual({ problem: expect.stringContaining('SQLite only') });
  });
});
