import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createTelegramChannel, pollLeaseName, type TelegramChannel, type TelegramLogger } from '../../src/channels/telegram/index.js';
import { createRedisCoordination } from '../../src/queue/index.js';
import { FakeTelegramApi, type FakePoll } from '../support/fake-telegram-api.js';
import { until } from '../support/eventually.js';
import type { PollerProcessArgs, PollerProcessMessage } from '../support/telegram-poller-process.js';

/*
 * Several channels processes on one bot, one Redis and one (fake) Bot API. Each "process" reaches the API under its own
 * path prefix (`/a/bot<token>/…`), so the fake's request log tells who polled when.
 */

const redisUrl = inject('redisUrl');
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const TTL = 1_000;
const RETRY = 50;
const CHAT = 200_001;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const by = (poll: FakePoll) => poll.path.split('/')[1]!;

function captureLogger(): TelegramLogger & { lines: object[] } {
  const lines: object[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, ...obj });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Two getUpdates of different processes never overlapped in time (a held poll has no end yet). */
function overlaps(polls: FakePoll[]): string[] {
  const found: string[] = [];
  for (const p of polls) {
    for (const q of polls) {
      if (by(p) >= by(q) || p.startedAt >= (q.endedAt ?? Infinity) || q.startedAt >= (p.endedAt ?? Infinity)) continue;
      found.push(`${by(p)} [${p.startedAt}, ${p.endedAt}] and ${by(q)} [${q.startedAt}, ${q.endedAt}]`);
    }
  }
  return found;
}

async function rig() {
  const api = await FakeTelegramApi.start({ maxHoldMs: 150 });
  const prefix = `test:${randomUUID()}:`;
  const admin = new Redis(redisUrl);
  cleanups.push(async () => {
    await api.close();
    await admin.quit();
  });
  /** Who handled which update (channelMessageId), in the order it happened. */
  const handled: { by: string; id: string }[] = [];
  /** Ids of what patients sent, in order. */
  const pushed: string[] = [];
  let lastUpdateId = 0;

  const send = (text: string) => {
    const u = api.sendText(CHAT, text);
    lastUpdateId = u.update_id;
    pushed.push(`${CHAT}:${(u.message as { message_id: number }).message_id}`);
  };
  /** Every update is confirmed with Telegram (an offset past it was sent, so it can never be delivered again). */
  const allConfirmed = () => until(() => api.pendingUpdates().length === 0 && api.polls.some((p) => p.offset > lastUpdateId), 'every update confirmed', 5_000);

  /** A channels process in this test process: its own Redis connection and lease token. */
  const proc = (name: string, extra: { webhook?: { url: string; secret: string }; handlerMs?: number } = {}) => {
    const { handlerMs = 0, ...options } = extra;
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const log = captureLogger();
    const channel: TelegramChannel = createTelegramChannel({
      token: api.token,
      apiRoot: `${api.apiRoot}${name}/`,
      logger: log,
      pollingRetry: { minMs: 20, maxMs: 150 },
      pollTimeoutSec: 1,
      pollLock: { coordination: createRedisCoordination(redis, prefix), ttlMs: TTL, retryMs: RETRY },
      ...options,
    });
    cleanups.push(async () => {
      await channel.stop();
      if (redis.status !== 'end') await redis.quit().catch(() => undefined);
    });
    const start = () =>
      channel.start(async (m) => {
        if (handlerMs) await sleep(handlerMs);
        handled.push({ by: name, id: m.channelMessageId });
      });
    return { channel, redis, log, start };
  };

  /** A channels process of its own (forked), to be killed with SIGKILL. */
  const forked = async (name: string) => {
    const args: PollerProcessArgs = { redisUrl, prefix, token: api.token, apiRoot: `${api.apiRoot}${name}/`, ttlMs: TTL, retryMs: RETRY };
    const child: ChildProcess = fork(new URL('../support/telegram-poller-process.ts', import.meta.url), [JSON.stringify(args)], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    const ready = new Promise<boolean>((resolve, reject) => {
      child.on('message', (m: PollerProcessMessage) => {
        if ('handled' in m) handled.push({ by: name, id: m.handled });
        if ('ready' in m) resolve(m.poller);
      });
      child.once('exit', (code) => reject(new Error(`poller process exited (${code}) before it was ready`)));
    });
    return { poller: await ready, child, exited };
  };

  return { api, prefix, admin, handled, pushed, send, allConfirmed, proc, forked, pollsBy: (name: string) => api.polls.filter((p) => by(p) === name) };
}

describe('telegram polling from several channels processes (redis lease)', () => {
  it('lets only the lease holder poll; when it stops, the standby polls within the ttl and no update is handled twice', async () => {
    const r = await rig();
    const a = r.proc('a');
    const b = r.proc('b');
    await a.start();
    await b.start();
    expect(a.channel.isPoller()).toBe(true);
    expect(b.channel.isPoller()).toBe(false);

    for (let i = 0; i < 5; i++) r.send(`pesan ${i}`);
    await until(() => r.handled.length === 5, 'first five handled');
    await until(() => r.pollsBy('a').length >= 6, 'a few more long polls by the holder');
    expect(r.pollsBy('b')).toEqual([]);
    // The lease is named by the bot's id, never its token.
    expect(pollLeaseName(r.api.token)).toBe('telegram:123456:poller');
    expect(await r.admin.keys(`${r.prefix}*`)).toEqual([`${r.prefix}telegram:123456:poller`]);

    // Patients keep writing while the holder shuts down (SIGTERM): the standby carries on.
    const stream = (async () => {
      for (let i = 5; i < 25; i++) {
        r.send(`pesan ${i}`);
        await sleep(10);
      }
    })();
    await sleep(60);
    const stoppedAt = Date.now();
    await a.channel.stop();
    await stream;
    await until(() => b.channel.isPoller(), 'standby polling');
    await r.allConfirmed();

    expect(r.pollsBy('b')[0]!.startedAt - stoppedAt).toBeLessThan(TTL);
    expect(r.handled.map((h) => h.id)).toEqual(r.pushed);
    expect(r.handled.filter((h) => h.by === 'b').length).toBeGreaterThan(0);
    expect(overlaps(r.api.polls)).toEqual([]);
    const secret = r.api.token.split(':')[1]!;
    for (const log of [a.log, b.log]) expect(JSON.stringify(log.lines)).not.toContain(secret);
  });

  it('a holder stopped in the middle of a batch finishes the update in hand and leaves the rest to the next one', async () => {
    const r = await rig();
    const a = r.proc('a', { handlerMs: 40 });
    const b = r.proc('b');
    await a.start();
    await b.start();
    for (let i = 0; i < 10; i++) r.send(`antre ${i}`);
    await until(() => r.handled.length >= 2, 'the holder in the middle of the batch');
    await a.channel.stop();
    await r.allConfirmed();
    expect(r.handled.map((h) => h.id)).toEqual(r.pushed);
    const byA = r.handled.filter((h) => h.by === 'a').length;
    expect(byA).toBeLessThan(6);
    expect(r.handled.slice(byA).every((h) => h.by === 'b')).toBe(true);
    expect(overlaps(r.api.polls)).toEqual([]);
  });

  it('replaces a holder killed without releasing (SIGKILL) once its lease expires, and loses no update', async () => {
    const r = await rig();
    const a = await r.forked('a');
    expect(a.poller).toBe(true);
    const b = r.proc('b');
    await b.start();
    expect(b.channel.isPoller()).toBe(false);

    for (let i = 0; i < 3; i++) r.send(`sebelum ${i}`);
    await until(() => r.handled.length === 3, 'handled by the holder');
    await r.allConfirmed();
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    for (let i = 0; i < 3; i++) r.send(`sesudah ${i}`);

    await until(() => r.pollsBy('b').length > 0, 'takeover', TTL * 3);
    const waited = r.pollsBy('b')[0]!.startedAt - killedAt;
    // The standby waited for the dead holder's lease to run out (at least 2/3 ttl were left), and not much longer.
    expect(waited).toBeGreaterThanOrEqual(TTL / 2);
    expect(waited).toBeLessThan(TTL + RETRY + 250);
    await r.allConfirmed();
    expect(r.handled.map((h) => h.id)).toEqual(r.pushed);
    expect(r.handled.map((h) => h.by)).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
    expect(overlaps(r.api.polls)).toEqual([]);
  });

  it('a holder cut off from Redis stops polling before its lease expires, then the standby takes over', async () => {
    const r = await rig();
    const a = r.proc('a');
    const b = r.proc('b');
    await a.start();
    await b.start();
    r.send('satu');
    await until(() => r.handled.length === 1, 'first handled');

    a.redis.disconnect(); // no renewal, no release: Redis trouble as the holder sees it
    r.send('dua');
    await until(() => b.channel.isPoller(), 'takeover', TTL * 3);
    expect(a.channel.isPoller()).toBe(false);
    r.send('tiga');
    await r.allConfirmed();
    expect(r.handled.map((h) => h.id)).toEqual(r.pushed);
    expect(r.handled.at(-1)!.by).toBe('b');
    expect(overlaps(r.api.polls)).toEqual([]);
    expect(a.log.lines).toContainEqual(expect.objectContaining({ msg: 'channel lease given up: work stopped', why: 'lease could not be renewed in time' }));
  });

  it('a process without the lease still sends (the Bot API takes sends from anywhere)', async () => {
    const r = await rig();
    const a = r.proc('a');
    const b = r.proc('b');
    await a.start();
    await b.start();
    expect(b.channel.isPoller()).toBe(false);
    const result = await b.channel.send({ id: 'outbox-1', channelUserId: String(CHAT), text: 'Terima kasih', choices: [{ label: 'Ya', value: 'yes' }] });
    expect(result).toMatchObject({ ok: true });
    expect(r.api.sent(CHAT)).toEqual([expect.objectContaining({ text: 'Terima kasih', buttons: ['Ya'] })]);
    expect(r.api.callsOf('sendMessage')).toHaveLength(1);
    expect(r.api.calls.find((c) => c.method === 'sendMessage')!.path).toMatch(/^\/b\//);
  });

  it('takes no lease in webhook mode: every process sets the webhook and accepts updates', async () => {
    const r = await rig();
    const webhook = { url: 'https://tracebot.example.org/telegram/webhook', secret: 'rahasia_webhook' };
    const a = r.proc('a', { webhook });
    const b = r.proc('b', { webhook });
    await a.start();
    await b.start();
    const headers = { 'x-telegram-bot-api-secret-token': webhook.secret };
    const one = r.api.sendText(CHAT, 'lewat a');
    const two = r.api.sendText(CHAT, 'lewat b');
    expect(await a.channel.handleWebhook(headers, one)).toEqual({ status: 200 });
    expect(await b.channel.handleWebhook(headers, two)).toEqual({ status: 200 });
    expect(r.handled.map((h) => h.by)).toEqual(['a', 'b']);
    expect([a.channel.isPoller(), b.channel.isPoller()]).toEqual([false, false]);
    expect(r.api.callsOf('setWebhook')).toHaveLength(2);
    expect(r.api.polls).toEqual([]);
    expect(await r.admin.keys(`${r.prefix}*`)).toEqual([]);
  });
});
