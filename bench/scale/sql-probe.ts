import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';

interface StatementStats {
  calls: number;
  ms: number;
  /** The parameters of the last call, to EXPLAIN the statement as it ran. */
  params: unknown[];
}

/**
 * Times every statement the app runs on one better-sqlite3 connection (by wrapping `prepare` and the statements it returns),
 * so a page's time splits into SQL and the rest, and the slowest statements can be EXPLAINed. Measurement only.
 */
export class SqlProbe {
  private totalMs = 0;
  private readonly stats = new Map<string, StatementStats>();
  private restoreFn: (() => void) | undefined;

  /** Start timing `client`'s statements. */
  install(client: Database.Database): void {
    const original = client.prepare;
    const probe = this;
    client.prepare = function (this: Database.Database, source: string) {
      const stmt = original.call(this, source) as Database.Statement;
      for (const method of ['all', 'get', 'run', 'iterate'] as const) {
        const fn = (stmt as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
        (stmt as unknown as Record<string, unknown>)[method] = function (this: unknown, ...params: unknown[]) {
          const t0 = performance.now();
          try {
            return fn.apply(this, params);
          } finally {
            probe.record(source, performance.now() - t0, params);
          }
        };
      }
      return stmt;
    } as typeof client.prepare;
    this.restoreFn = () => {
      client.prepare = original;
    };
  }

  private record(source: string, ms: number, params: unknown[]): void {
    this.totalMs += ms;
    const s = this.stats.get(source) ?? { calls: 0, ms: 0, params };
    s.calls++;
    s.ms += ms;
    s.params = params;
    this.stats.set(source, s);
  }

  /** Milliseconds spent in SQL since the probe was installed (take differences around a request). */
  get ms(): number {
    return this.totalMs;
  }

  /** Forget per-statement totals. */
  reset(): void {
    this.stats.clear();
  }

  /** The statements that took the most time, with their mean per call. */
  top(n = 6): { sql: string; calls: number; total_ms: number; mean_ms: number; params: unknown[] }[] {
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return [...this.stats]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, n)
      .map(([sql, s]) => ({ sql, calls: s.calls, total_ms: r2(s.ms), mean_ms: r2(s.ms / s.calls), params: s.params }));
  }

  /** Put `prepare` back (statements already prepared keep their timing wrappers). */
  restore(): void {
    this.restoreFn?.();
    this.restoreFn = undefined;
  }
}

/** SQLite's plan for `sql` with `params`, one line per step, indented by depth. */
export function explain(client: Database.Database, sql: string, params: unknown[]): string[] {
  const rows = client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { id: number; parent: number; detail: string }[];
  const depth = new Map<number, number>([[0, 0]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? 0) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d - 1)}${r.detail}`;
  });
}
