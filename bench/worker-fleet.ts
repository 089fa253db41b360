import type { ChildProcess } from 'node:child_process';
import { processCpuSeconds, processPeakRssMb } from './proc-stats.js';
import { forkTs, nextMessage } from './scale/fork-ts.js';

/** What the fleet's processes used: CPU so far and the sum of their peak RSS (null where /proc cannot tell). */
export interface FleetStats {
  cpuSeconds: number | null;
  peakRssMb: number | null;
}

/** N helper processes the bench started and will stop. */
export interface WorkerFleet {
  pids: number[];
  /** Read now while they run; after stop(), what was read just before it. */
  stats(): FleetStats;
  /** SIGTERM all and wait for them to exit (SIGKILL after `graceMs`). */
  stop(): Promise<void>;
}

const sum = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.round(xs.reduce<number>((s, x) => s + x!, 0) * 10) / 10);

/**
 * Fork `count` copies of a TypeScript module with an IPC channel and wait until each sends `{ type: 'ready' }` (src/main.ts
 * does with `--supervised`; so does bench/echo-worker.ts). Stdout is dropped (the bench owns it); stderr is kept.
 */
export async function startFleet(o: { count: number; module: URL; args: string[]; env?: NodeJS.ProcessEnv; readyTimeoutMs?: number; graceMs?: number }): Promise<WorkerFleet> {
  const children: ChildProcess[] = Array.from({ length: o.count }, () => forkTs(o.module, o.args, { stdio: ['ignore', process.env.BENCH_WORKER_LOG ? 'inherit' : 'ignore', 'inherit', 'ipc'], ...(o.env ? { env: o.env } : {}) }));
  const exits = children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve()))));
  let last: FleetStats | undefined;
  const read = (): FleetStats => ({
    cpuSeconds: sum(children.map((c) => processCpuSeconds(c.pid!))),
    peakRssMb: sum(children.map((c) => processPeakRssMb(c.pid!))),
  });
  const stop = async () => {
    last ??= read();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    const timer = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), o.graceMs ?? 30_000);
    await Promise.all(exits);
    clearTimeout(timer);
  };
  try {
    await Promise.all(children.map((c) => nextMessage(c, 'ready', o.readyTimeoutMs ?? 60_000)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { pids: children.map((c) => c.pid!), stats: () => last ?? read(), stop };
}
