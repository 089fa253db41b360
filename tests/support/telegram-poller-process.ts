// A second "channels process" for the Telegram poll-lease suite (tests/channels/telegram-lease-redis.test.ts), started by
// `fork` so the test can SIGKILL it: its own Redis connection, a Telegram channel with the poll lease, and every update it
// handles reported to the parent before the handler resolves (so a reported update is one this process handled).
import { Redis } from 'ioredis';
import { createTelegramChannel } from '../../src/channels/telegram/index.js';
import { createRedisCoordination } from '../../src/queue/index.js';

/** What the parent passes as argv[2] (JSON). */
export interface PollerProcessArgs {
  redisUrl: string;
  prefix: string;
  token: string;
  apiRoot: string;
  ttlMs: number;
  retryMs: number;
}

/** Messages to the parent. */
export type PollerProcessMessage = { ready: true; poller: boolean } | { handled: string } | { poller: boolean };

const args = JSON.parse(process.argv[2] ?? 'null') as PollerProcessArgs | null;
if (!args || !process.send) throw new Error('usage: fork telegram-poller-process.ts <json args> (with an IPC channel)');
const tell = (m: PollerProcessMessage) => new Promise<void>((resolve) => process.send!(m, undefined, {}, () => resolve()));

const redis = new Redis(args.redisUrl, { maxRetriesPerRequest: 1 });
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const channel = createTelegramChannel({
  token: args.token,
  apiRoot: args.apiRoot,
  logger: silent,
  pollingRetry: { minMs: 20, maxMs: 150 },
  pollTimeoutSec: 1,
  pollLock: { coordination: createRedisCoordination(redis, args.prefix), ttlMs: args.ttlMs, retryMs: args.retryMs },
});

process.on('message', (m: 'status' | 'exit') => {
  if (m === 'status') void tell({ poller: channel.isPoller() });
  if (m === 'exit') {
    void channel
      .stop()
      .then(() => redis.quit())
      .finally(() => process.disconnect());
  }
});

await channel.start(async (message) => {
  await tell({ handled: message.channelMessageId });
});
await tell({ ready: true, poller: channel.isPoller() });
