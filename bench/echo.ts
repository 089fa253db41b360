import { performance } from 'node:perf_hooks';
import { Queue, Worker, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { redisConnection } from '../src/queue/index.js';

export interface EchoOptions {
  redisUrl: string;
  /** Key prefix for the echo queues (kept apart from the system's). */
  prefix: string;
  /** Messages in flight at once (as many as the interview load's patients). */
  inflight: number;
  /** Worker concurrency of the first hop (the pipeline's inbound concurrency) and of the second (its outbound concurrency). */
  inboundConcurrency: number;
  outboundConcurrency: number;
  seconds: number;
  warmupSeconds: number;
  /** Called with the echo's shared connection before use (measurement hooks). */
  onConnection?: (connection: Redis) => void;
  /**
   * The first hop runs in other processes (bench/echo-worker.ts), already started: this process only offers and receives,
   * as the `channels` role does beside separate worker processes. `stop` ends them before the queues are removed.
   */
  remoteFirstHop?: { stop(): Promise<void> };
}

export interface EchoResult {
  msgsPerS: number;
  windowMessages: number;
  totalMessages: number;
}

// The same retention the pipeline's queues use, so Redis does the same bookkeeping per job.
export const ECHO_KEEP: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

/**
 * The ceiling: a bare BullMQ two-hop echo (inbound job -> worker -> outbound job -> worker), no engine, no database, closed
 * loop with `inflight` messages, on the same Redis as the system. Its msgs/s is what BullMQ alone allows on this machine.
 */
export async function runEcho(o: EchoOptions): Promise<EchoResult> {
  // Plain BullMQ connection settings: the ceiling is what BullMQ alone does at its best (auto-pipelining, which the system
  // uses, made the echo slower here), so the ratio is not flattered.
  const connection = redisConnection(o.redisUrl);
  o.onConnection?.(connection);
  const opts = { connection, prefix: o.prefix };
  const inQ = new Queue('echo-in', { ...opts, defaultJobOptions: ECHO_KEEP });
  const outQ = new Queue('echo-out', { ...opts, defaultJobOptions: { ...ECHO_KEEP, attempts: 8, backoff: { type: 'exponential', delay: 1000 } } });
  const waiters = new Map<number, () => void>();
  const inW = o.remoteFirstHop
    ? undefined
    : new Worker(
        'echo-in',
        async (job) => {
          await outQ.add('send', job.data);
        },
        { ...opts, concurrency: o.inboundConcurrency },
      );
  const outW = new Worker(
    'echo-out',
    async (job) => {
      const { n } = job.data as { n: number };
      waiters.get(n)?.();
      waiters.delete(n);
    },
    { ...opts, concurrency: o.outboundConcurrency },
  );
  await Promise.all([inW?.waitUntilReady(), outW.waitUntilReady()]);

  const t0 = performance.now();
  const windowStart = t0 + o.warmupSeconds * 1000;
  const end = t0 + o.seconds * 1000;
  let seq = 0;
  let inWindow = 0;
  const loop = async () => {
    while (performance.now() < end) {
      const n = ++seq;
      const done = new Promise<void>((resolve) => waiters.set(n, resolve));
      await inQ.add('echo', { n, at: Date.now() });
      await done;
      const now = performance.now();
      if (now >= windowStart && now <= end) inWindow++;
    }
  };
  await Promise.all(Array.from({ length: o.inflight }, loop));
  const windowSeconds = (end - windowStart) / 1000;
  await Promise.all([inW?.close() ?? o.remoteFirstHop?.stop(), outW.close()]);
  await Promise.all([inQ.obliterate({ force: true }), outQ.obliterate({ force: true })]).catch(() => undefined);
  await Promise.all([inQ.close(), outQ.close()]);
  await connection.quit().catch(() => connection.disconnect());
  return { msgsPerS: Math.round(inWindow / windowSeconds), windowMessages: inWindow, totalMessages: seq };
}
