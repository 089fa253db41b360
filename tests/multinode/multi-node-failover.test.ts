import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRepositories, openDb, type Db } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { eventually } from '../support/eventually.js';
import { FakeTelegramApi, type FakePoll } from '../support/fake-telegram-api.js';
import { openEventStream, signIn, type EventStream } from '../support/http-session.js';
import { replayVerifiedChat, seedVerifiableCase, sleep, VERIFIED_SCRIPT, type ExpectedChat } from '../support/pipeline-script.js';
import { seedUser } from '../support/seed.js';
import { repoRoot, uniquePrefix } from '../support/system.js';
import { spawnTracebot, type TracebotProcess } from '../support/tracebot-process.js';

/*
 * Issue 15: several machines on one PostgreSQL and one Redis. Six tracebot processes, each with its own data folder:
 * 2 x `--role web`, 2 x `--role worker`, 2 x `--role channels`, on one schema, one Redis prefix and the fake Bot API.
 *
 * Telegram is the channel because it crosses processes (the fake channel lives in one process's memory). Design (a) of the
 * brief: the two channels processes poll in turn, the holder of the bot's Redis lease; POLLED chats send through the fake
 * API's getUpdates queue, and the test SIGKILLs the current lease holder and one worker while those chats are mid-interview.
 * The web nodes are configured for webhooks (they only accept POST /telegram/webhook and register nothing, so the fake API
 * stays in polling mode): HOOKED chats POST each message to web A or web B in turn, as a load balancer would. A real bot
 * uses one of the two ways at a time; here both feed the same pipeline. A session made on web A is used on web B, and an
 * event stream on web B sees the turns the workers commit (the live bus is Redis pub/sub).
 *
 * Checked: every message recorded once and in send order, each chat's replies exactly a sequential replay of its own
 * messages, nothing dead-lettered or left unhandled, the standby polling after the kill and the two never polling at once.
 * Sends are at least once across a SIGKILL (a send can reach Telegram just before its process dies, before it is marked
 * sent): the phone may show a reply twice in a row, never out of order or missing.
 */

const baseUrl = process.env.TEST_DATABASE_URL;
const POLLED = 80;
const HOOKED = 20;
/** Identity check (unknown chat, case number, date of birth), consent, no symptoms. */
const MESSAGES = VERIFIED_SCRIPT.slice(0, 5);
/** The kill comes once this share of all patient messages was sent. */
const KILL_AT = 0.4;
const SECRET = 'multinode-webhook-secret';
const TRACER = { email: 'tracer@example.org', password: 'correct horse battery' };

interface Chat {
  id: number;
  via: 'poll' | 'webhook';
  expected: ExpectedChat;
  /** channel_message_id of each message, in the order sent. */
  sent: string[];
}

const nodes: TracebotProcess[] = [];
let api: FakeTelegramApi | undefined;
let db: Db | undefined;
let redis: Redis | undefined;
let stream: EventStream | undefined;
const schema = `multinode_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

const by = (p: FakePoll) => p.path.split('/')[1]!;

/** Pairs of getUpdates calls by different processes that were open at the same time. */
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

/** Consecutive repeats removed: what the patient sees, counting a reply sent twice across a kill once. */
function collapse(texts: string[]): { texts: string[]; repeats: number } {
  const out = texts.filter((t, i) => i === 0 || t !== texts[i - 1]);
  return { texts: out, repeats: texts.length - out.length };
}

describe.skipIf(!baseUrl)('several machines: 2 web, 2 worker, 2 channels processes on one PostgreSQL and one Redis', () => {
  afterAll(async () => {
    stream?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.quit();
    await api?.close();
    db?.$client.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    db?.$client.close();
  });

  let web: TracebotProcess[];
  let workers: TracebotProcess[];
  let channels: TracebotProcess[];
  let startupMs = 0;
  const prefix = uniquePrefix('multinode');
  const redisUrl = inject('redisUrl');

  beforeAll(async () => {
    const began = Date.now();
    const url = `${baseUrl}${baseUrl!.includes('?') ? '&' : '?'}schema=${schema}`;
    // Migrated, flows published and seeded before any process starts, so none of them races another to do it.
    db = openDb(url);
    new FlowRegistry(createRepositories(db)).syncDirectory(path.join(repoRoot, 'flows'), Date.now());
    seedVerifiableCase(db);
    await seedUser(db, { email: TRACER.email, password: TRACER.password, role: 'tracer', twoFactor: false });
    api = await FakeTelegramApi.start({ maxHoldMs: 250 });
    redis = new Redis(redisUrl);
    const common = {
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SESSION_SECRET: 's'.repeat(40),
      FLOWS_DIR: path.join(repoRoot, 'flows'),
      MONITORING_ENABLED: 'false',
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_BOT_USERNAME: api.bot.username,
      // The fake Bot API has no limit; Telegram's 30/s would make 800 replies take half a minute.
      TELEGRAM_RATE_PER_SECOND: '1000',
    };
    // Each process reaches the fake API under its own path, so the request log tells who polled when.
    const start = (name: string, role: string, extra: Record<string, string> = {}) =>
      spawnTracebot(
        name,
        role,
        { ...common, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), `tracebot-${name}-`)), TELEGRAM_API_ROOT: `${api!.apiRoot}${name}/`, ...extra },
        { track: (n) => nodes.push(n), timeoutMs: 120_000 },
      );
    const hook = { TELEGRAM_WEBHOOK_URL: 'https://tracebot.example.org/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: SECRET };
    const started = await Promise.allSettled([
      start('web-a', 'web', hook),
      start('web-b', 'web', hook),
      start('worker-a', 'worker'),
      start('worker-b', 'worker'),
      start('channels-a', 'channels'),
      start('channels-b', 'channels'),
    ]);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const byName = (n: string) => nodes.find((x) => x.name === n)!;
    web = [byName('web-a'), byName('web-b')];
    workers = [byName('worker-a'), byName('worker-b')];
    channels = [byName('channels-a'), byName('channels-b')];
    startupMs = Date.now() - began;
  }, 150_000);

  it('handles every message of 100 chats once and in order while a worker and the polling channels process are SIGKILLed', async () => {
    const [webA, webB] = web;
    // A session made on web A works on web B: sessions live in the database, cookies are signed with the shared secret.
    const session = await signIn(webA!.address!, TRACER.email, TRACER.password);
    expect(session.status).toBe(303);
    expect((await fetch(`${webB!.address}/inbox`, { redirect: 'manual' })).status).toBe(303);
    expect((await fetch(`${webB!.address}/inbox`, { headers: { cookie: session.cookie }, redirect: 'manual' })).status).toBe(200);
    stream = await openEventStream(`${webB!.address}/inbox/events`, session.cookie);
    expect(stream.status).toBe(200);

    const registry = new FlowRegistry(createRepositories(db!));
    const runAt = Date.now();
    const expected = replayVerifiedChat(registry.latest('verify-identity')!.flow, registry.latest('case-interview')!.flow, MESSAGES, runAt);
    const chats: Chat[] = [
      ...Array.from({ length: POLLED }, (_, i): Chat => ({ id: 300_001 + i, via: 'poll', expected, sent: [] })),
      ...Array.from({ length: HOOKED }, (_, i): Chat => ({ id: 400_001 + i, via: 'webhook', expected, sent: [] })),
    ];
    const total = chats.length * MESSAGES.length;
    let sentSoFar = 0;
    let updateId = 9_000_000;

    /** Telegram's POST of one update to whichever web node the load balancer picked. */
    const postToWeb = async (node: TracebotProcess, chat: Chat, text: string) => {
      const messageId = chat.sent.length + 1;
      const message = { message_id: messageId, from: { id: chat.id, is_bot: false, first_name: 'Pasien' }, chat: { id: chat.id, type: 'private', first_name: 'Pasien' }, date: Math.floor(Date.now() / 1000), text };
      const res = await fetch(`${node.address}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify({ update_id: ++updateId, message }),
      });
      expect(res.status, `${node.name} accepted chat ${chat.id}'s message`).toBe(200);
      return `${chat.id}:${messageId}`;
    };

    // Like people: send, wait for the bot's answer, think a little, send the next. The answer count may run ahead of the
    // expected one by a reply sent twice across the kill; the transcript checks below do not depend on it.
    const converse = async (chat: Chat, index: number) => {
      await sleep(Math.random() * 2000);
      for (const [i, text] of MESSAGES.entries()) {
        if (chat.via === 'poll') {
          const u = api!.sendText(chat.id, text);
          chat.sent.push(`${chat.id}:${(u.message as { message_id: number }).message_id}`);
        } else {
          chat.sent.push(await postToWeb(web[(index + i) % 2]!, chat, text));
        }
        sentSoFar++;
        const want = chat.expected.textsAfter[i]!.length;
        await eventually(() => (api!.sent(chat.id).length >= want ? true : undefined), `chat ${chat.id}: reply to message ${i + 1}`, 45_000, 50);
        await sleep(Math.random() * 300);
      }
    };

    const holderBefore = by(api!.polls.at(-1)!);
    let kill: { at: number; holder: string; standby: string } | undefined;
    const killer = (async () => {
      await eventually(() => (sentSoFar >= total * KILL_AT ? true : undefined), 'the stream to reach the kill point', 60_000, 10);
      const holder = by(api!.polls.at(-1)!);
      const victim = channels.find((c) => c.name === holder)!;
      const at = Date.now();
      await Promise.all([victim.kill('SIGKILL'), workers[0]!.kill('SIGKILL')]);
      kill = { at, holder, standby: channels.find((c) => c !== victim)!.name };
    })();
    const started = Date.now();
    await Promise.all([...chats.map((c, i) => converse(c, i)), killer]);
    const elapsed = Date.now() - started;

    // Settled when every message's turn committed and every reply is marked sent.
    const q = db!.$client;
    const n = (sql: string) => (q.prepare(sql).get() as { n: number }).n;
    const replies = chats.length * expected.textsAfter.at(-1)!.length;
    await eventually(
      () => {
        const state = {
          inbound: n(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`),
          outbound: n(`SELECT count(*) AS n FROM messages WHERE direction = 'out'`),
          unsent: n(`SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status <> 'sent'`),
          undispatched: n(`SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL`),
          unhandled: n(`SELECT count(*) AS n FROM inbound_pending WHERE handled_at IS NULL`),
        };
        if (state.inbound === total && state.outbound === replies && !state.unsent && !state.undispatched && !state.unhandled) return true;
        throw new Error(JSON.stringify(state));
      },
      'every turn committed and every reply sent',
      30_000,
      100,
    );

    let repeats = 0;
    for (const chat of chats) {
      const convs = q.prepare(`SELECT id, step_id AS "stepId" FROM conversations WHERE channel = 'telegram' AND channel_user_id = ?`).all(String(chat.id)) as { id: number; stepId: string }[];
      expect(convs, `chat ${chat.id}`).toHaveLength(1);
      const rows = (direction: string) => q.prepare(`SELECT channel_message_id AS cid, text FROM messages WHERE conversation_id = ? AND direction = ? ORDER BY id`).all(convs[0]!.id, direction) as { cid: string; text: string }[];
      // Each message recorded once, in the order the patient sent it ...
      expect(rows('in').map((r) => r.cid), `chat ${chat.id}`).toEqual(chat.sent);
      // ... and the turns saw them one after the other: exactly the replies of a sequential replay.
      expect(rows('out').map((r) => r.text), `chat ${chat.id}`).toEqual(expected.textsAfter.at(-1));
      expect(convs[0]!.stepId, `chat ${chat.id}`).toBe(expected.state.stepId);
      const phone = collapse(api!.sent(chat.id).map((m) => m.text));
      expect(phone.texts, `chat ${chat.id}: what the phone shows`).toEqual(collapse(expected.textsAfter.at(-1)!).texts);
      repeats += phone.repeats;
    }
    expect(await redis!.lrange(`${prefix}:mb:dead`, 0, -1)).toEqual([]);

    // One holder polled before the kill; the standby took over after it, and the two never polled at once.
    expect(kill).toBeDefined();
    const { at, holder, standby } = kill!;
    expect(holder).toBe(holderBefore);
    expect(new Set(api!.polls.filter((p) => p.startedAt < at).map(by))).toEqual(new Set([holder]));
    const takeover = api!.polls.find((p) => by(p) === standby && p.startedAt >= at);
    expect(takeover, 'the standby polls after the kill').toBeDefined();
    expect(api!.polls.filter((p) => p.startedAt > at && by(p) === holder)).toEqual([]);
    expect(overlaps(api!.polls)).toEqual([]);

    // The stream on web B saw turns of every chat, including after the takeover, though no turn ran on web B.
    const conversations = (q.prepare(`SELECT id FROM conversations`).all() as { id: number }[]).map((r) => r.id);
    const live = stream.events.filter((e) => e.event === 'live').map((e) => ({ at: e.at, ...(e.data as { type: string; conversationId: number }) }));
    expect(new Set(live.map((e) => e.conversationId))).toEqual(new Set(conversations));
    expect(live.some((e) => e.at > takeover!.startedAt && e.type === 'message.created')).toBe(true);

    const takeoverMs = takeover!.startedAt - at;
    console.info(
      `multi-node: 6 processes started in ${(startupMs / 1000).toFixed(1)} s; ${total} messages from ${chats.length} chats (${POLLED} polled, ${HOOKED} by webhook on 2 web nodes) in ${(elapsed / 1000).toFixed(1)} s; ` +
        `${holder} and worker-a SIGKILLed after ${Math.round(KILL_AT * 100)} % of the messages; ${standby} polled ${(takeoverMs / 1000).toFixed(1)} s later; ` +
        `${repeats} of ${replies} replies sent twice across the kill; ${live.length} live events on web B`,
    );
  }, 150_000);
});
