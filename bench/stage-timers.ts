import { performance } from 'node:perf_hooks';

interface Stage {
  calls: number;
  totalMs: number;
}

/**
 * Wall-clock time per pipeline stage, measured by wrapping methods of the running system's objects from outside (the bench
 * must not edit src/queue or src/services). For async methods the time runs until the promise settles, so it includes the
 * Redis round trips awaited inside.
 */
export class StageTimers {
  private readonly stages = new Map<string, Stage>();
  private readonly restores: (() => void)[] = [];

  /** Replace `obj[method]` with a timed version recorded under `stage`. */
  wrap<T extends object, K extends keyof T & string>(stage: string, obj: T, method: K): void {
    const original = obj[method];
    if (typeof original !== 'function') throw new Error(`cannot time ${stage}: ${method} is not a method`);
    const fn = original as unknown as (...args: unknown[]) => unknown;
    const record = (start: number) => {
      const s = this.stages.get(stage) ?? { calls: 0, totalMs: 0 };
      s.calls++;
      s.totalMs += performance.now() - start;
      this.stages.set(stage, s);
    };
    const timed = function (this: unknown, ...args: unknown[]): unknown {
      const start = performance.now();
      const r = fn.apply(this, args);
      if (r instanceof Promise) return r.finally(() => record(start));
      record(start);
      return r;
    };
    (obj as Record<string, unknown>)[method] = timed;
    this.restores.push(() => {
      (obj as Record<string, unknown>)[method] = original;
    });
  }

  /** Forget what was measured so far (between phases). */
  reset(): void {
    this.stages.clear();
  }

  /** Mean ms per call and calls per unit of work, by stage. */
  report(units: number): Record<string, { calls_per_msg: number; mean_ms: number; total_ms_per_msg: number }> {
    const out: Record<string, { calls_per_msg: number; mean_ms: number; total_ms_per_msg: number }> = {};
    const r3 = (v: number) => Math.round(v * 1000) / 1000;
    for (const [name, s] of this.stages) {
      out[name] = { calls_per_msg: r3(s.calls / Math.max(units, 1)), mean_ms: r3(s.totalMs / Math.max(s.calls, 1)), total_ms_per_msg: r3(s.totalMs / Math.max(units, 1)) };
    }
    return out;
  }

  /** Put the original methods back. */
  restore(): void {
    for (const r of this.restores.splice(0).reverse()) r();
  }
}
