import { Queue, Worker } from 'bullmq';
import type { RedisTarget } from '../../src/config/index.js';
import type { LiveEvent } from '../../src/domain/live-events.js';
import { createLiveBus, redisConnection } from '../../src/queue/index.js';
import { SCRIPTED, eventually, startTestSystem } from './system.js';

/** A BullMQ job added on one connection and processed by a worker on another, both built from `target`; its result. */
export async function bullmqRoundTrip(target: RedisTarget, prefix: string): Promise<unknown> {
  const producer = redisConnection(target);
  const consumer = redisConnection(target);
  const queue = new Queue('topology-check', { connection: producer, prefix });
  const worker = new Worker('topology-check', async (job) => ({ doubled: (job.data as { n: number }).n * 2 }), { connection: consumer, prefix });
  try {
    const job = await queue.add('double', { n: 21 }, { removeOnComplete: false });
    return await eventually(async () => ((await queue.getJob(job.id!))?.returnvalue ?? undefined) as unknown, 'the job to complete');
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}

/** An event one live bus (a worker) publishes, as another (a web server) on `target` receives it. */
export async function liveBusRoundTrip(target: RedisTarget, prefix: string): Promise<LiveEvent> {
  const worker = await createLiveBus({ redis: target, prefix, listen: false });
  const web = await createLiveBus({ redis: target, prefix });
  try {
    const got = new Promise<LiveEvent>((resolve) => {
      const off = web.subscribe((e) => {
        off();
        resolve(e);
      });
    });
    await worker.publish({ type: 'message.created', conversationId: 7, messageId: 42, at: 1_700_000_000_000 });
    return await got;
  } finally {
    await Promise.all([worker.close(), web.close()]);
  }
}

/**
 * A whole tracebot (worker and fake channel) started on `env` alone: a patient's first message goes through the
 * mailbox scripts and the drain jobs, and the bot's greeting comes back. Returns the greeting's text.
 */
export async function patientIsGreeted(env: Record<string, string>): Promise<string> {
  // An empty REDIS_URL counts as unset: the topology in `env` is all the system knows.
  const sys = await startTestSystem('', { ROLES: 'worker,channels', ...env }, SCRIPTED);
  try {
    sys.fakePlatform!.patientSends('p1', { kind: 'text', text: 'halo' });
    const first = await eventually(() => sys.fakePlatform!.inbox('p1')[0], 'the greeting', 20_000);
    return first.text;
  } finally {
    await sys.stop();
  }
}
