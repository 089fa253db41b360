import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

// The scale run needs no Redis (hence no `-redis` in this file name). Sizes are tiny: this checks that every part works and
// that the JSON is complete, never how fast it was (timings belong to `npm run bench -- --scale`, not to a test).
describe('the inbox scale benchmark (real SQLite, real HTTP, tiny sizes)', () => {
  it('seeds, times the pages at the server, holds live streams, and prints one JSON object last', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/main.ts', '--scale', '--scale-size', 'small', '--json', '--requests', '6', '--sse-connections', '20', '--sse-seconds', '1'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 150_000, env: { ...process.env, REDIS_URL: '' } },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const r = JSON.parse(lines.at(-1)!) as Record<string, unknown> & {
      targets: Record<string, number>;
      targets_met: Record<string, boolean>;
      params: Record<string, unknown>;
      pages: Record<string, Record<string, { server_ms: { count: number; p50: number; p95: number }; non_200: number }>>;
      sse: Record<string, unknown>;
      sql: { top: unknown[]; queue_plans: { plan: string[] }[] };
    };
    expect(lines.some((l) => l.startsWith('queue page '))).toBe(true);
    expect(r.conversations).toBe(2000);
    expect(r.messages).toBe(20000);
    for (const field of ['queue_p95_ms', 'conversation_p95_ms', 'list_p95_ms', 'rss_mb']) expect(r[field], field).toBeGreaterThan(0);
    // Every stream opened, stayed open, and got every event published while it was held.
    expect(r.sse_connections).toBe(20);
    expect(r.sse_connected_at_end).toBe(20);
    expect(r.sse_events_received_ratio).toBe(1);
    expect(r.sse).toMatchObject({ server_streams_at_end: 20, dropped: 0 });
    expect(r.sse.events_published as number).toBeGreaterThan(0);
    expect(r.targets).toEqual({ page_p95_max_ms: 50, sse_min: 1000 });
    expect(Object.keys(r.targets_met).sort()).toEqual(['all', 'conversation_p95', 'list_p95', 'queue_p95', 'sse']);
    // 20 streams are not the 1,000 of the target: a small run never claims it.
    expect(r.targets_met.sse).toBe(false);
    expect(r.params).toMatchObject({ size: 'small', requests: 6, sqlite_journal: 'wal' });
    // Every timed page answered 200 to the signed-in tracer, and the server timed each request it was sent.
    for (const phase of ['sequential', 'concurrent'] as const) {
      for (const [kind, t] of Object.entries(r.pages[phase]!)) {
        expect(t.non_200, `${phase} ${kind}`).toBe(0);
        expect(t.server_ms.count, `${phase} ${kind}`).toBe(6);
        expect(t.server_ms.p50).toBeLessThanOrEqual(t.server_ms.p95);
      }
    }
    expect(Object.keys(r.pages.sequential!)).toEqual(expect.arrayContaining(['queue_unassigned', 'queue_mine', 'queue_all', 'list_all', 'conversation_random', 'conversation_queued']));
    expect(r.sql.top.length).toBeGreaterThan(0);
    expect(r.sql.queue_plans.some((p) => p.plan.some((l) => /escalations/.test(l)))).toBe(true);
  }, 180_000);
});

describe('scale options', () => {
  it('selects the scale run and its sizes from flags', () => {
    expect(parseBenchArgs(['--scale', '--scale-size', 'small', '--sse-connections', '300', '--sse-seconds', '5', '--requests', '50'])).toMatchObject({
      scale: true,
      scaleSize: 'small',
      sseConnections: 300,
      sseSeconds: 5,
      scaleRequests: 50,
    });
    expect(parseBenchArgs([])).toMatchObject({ scale: false, scaleSize: 'full' });
    expect(parseBenchArgs(['--scale', '--scale-size', 'huge'])).toEqual({ problem: '--scale-size must be full or small, not "huge"' });
    expect(parseBenchArgs(['--scale', '--sse-connections', '0'])).toHaveProperty('problem');
  });
});
