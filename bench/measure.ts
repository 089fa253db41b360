import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { System } from '../src/system.js';
import type { CommandCounter } from './command-counter.js';
import { redisCost, redisSnapshot, type RedisCost } from './redis-stats.js';
import type { PhaseProfile } from './report.js';
import type { StageTimers } from './stage-timers.js';

/** What to read around a phase: stage timers and the command counter of this process, the CPU of helper processes. */
export interface Probes {
  timers?: StageTimers;
  counter: CommandCounter;
  /** The worker processes' CPU seconds so far (null where it cannot be read). */
  workers?: { count: number; cpuSeconds: () => number | null };
}

/** What a phase cost this process, the worker processes (if any) and Redis, per message. */
export async function measured<T>(
  redis: Redis,
  probes: Probes,
  run: () => Promise<T>,
  units: (r: T) => number,
): Promise<{ result: T; profile: PhaseProfile }> {
  const { timers, counter } = probes;
  timers?.reset();
  counter.reset();
  const before = await redisSnapshot(redis);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const workerCpu0 = probes.workers?.cpuSeconds() ?? null;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const workerCpu1 = probes.workers?.cpuSeconds() ?? null;
  loop.disable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  const after = await redisSnapshot(redis);
  const n = Math.max(units(result), 1);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const profile: PhaseProfile = {
    seconds: Math.round(seconds * 10) / 10,
    messages: units(result),
    node_cpu_core_share: Math.round((cpuSeconds / seconds) * 100) / 100,
    node_cpu_us_per_msg: Math.round((cpuSeconds * 1e6) / n),
    event_loop_delay_ms: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    redis: redisCost(before, after, n, seconds) satisfies RedisCost,
    client_commands: counter.report(n),
    ...(timers ? { stages: timers.report(n) } : {}),
    ...(probes.workers ? { worker_processes: workerCpu(probes.workers.count, workerCpu0, workerCpu1, seconds, n) } : {}),
  };
  return { result, profile };
}

/** Wait until the system's work queues are empty (the events queue may lag behind replies), up to `timeoutMs`. */
export async function quiet(system: System, timeoutMs: number): Promise<number> {
  const queues = system.pipeline.queues().filter((q) => q.name !== 'timers');
  const until = performance.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized')));
    const left = counts.reduce((s, c) => s + (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0), 0);
    if (left === 0 || performance.now() > until) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function workerCpu(count: number, before: number | null, after: number | null, seconds: number, n: number): NonNullable<PhaseProfile['worker_processes']> {
  if (before === null || after === null) return { count, cpu_core_share: null, cpu_us_per_msg: null };
  const used = after - before;
  return { count, cpu_core_share: Math.round((used / seconds) * 100) / 100, cpu_us_per_msg: Math.round((used * 1e6) / n) };
}
