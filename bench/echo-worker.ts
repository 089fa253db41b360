/**
 * One process of the echo's first hop, for the multi-process measurement: `echo-worker.ts <redisUrl> <prefix> <concurrency>`
 * consumes `echo-in` and adds each job to `echo-out`, as the in-process echo does. Forked with IPC: it sends `ready`, and
 * stops on SIGTERM or when the bench goes away.
 */
import { Queue, Worker } from 'bullmq';
import { redisConnection } from '../src/queue/index.js';
import { ECHO_KEEP } from './echo.js';

const [redisUrl, prefix, concurrency] = process.argv.slice(2);
const connection = redisConnection(redisUrl!);
const opts = { connection, prefix: prefix! };
const outQ = new Queue('echo-out', { ...opts, defaultJobOptions: { ...ECHO_KEEP, attempts: 8, backoff: { type: 'exponential', delay: 1000 } } });
const worker = new Worker(
  'echo-in',
  async (job) => {
    await outQ.add('send', job.data);
  },
  { ...opts, concurrency: Number(concurrency) },
);
await worker.waitUntilReady();
process.send?.({ type: 'ready', pid: process.pid });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await worker.close();
  await outQ.close();
  await connection.quit().catch(() => connection.disconnect());
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('disconnect', () => void stop());
