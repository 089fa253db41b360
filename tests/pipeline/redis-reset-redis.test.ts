import { describe, expect, it } from 'vitest';
import { chatKey } from '../../src/queue/jobs.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord, count } from '../support/pipeline-queries.js';
import { INTERVIEW_SCRIPT, expectedChat, sleep } from '../support/pipeline-script.js';
import { ownRedisSystems } from '../support/own-redis-system.js';
import { SCRIPTED, eventually } from '../support/system.js';

// Issue 12: a Redis without persistence (the common default; managed Redis on failover) comes back EMPTY. SQLite is the
// source of truth, so every accepted message, timer and undelivered reply must come back from it.
describe('Redis restarting EMPTY under a running system (no persistence)', () => {
  const start = ownRedisSystems();

  it('handles every accepted message once and in order, re-arms every running chat\'s timers and doubles no reply (20 chats x 10 messages)', async () => {
    const { redis, sys } = await start(false, { ROLES: 'worker,channels' }, SCRIPTED);
    const phone = sys.fakePlatform!;
    const script = INTERVIEW_SCRIPT;
    const expected = expectedChat(sys.flows.latest('case-interview')!.flow, script);
    const users = Array.from({ length: 20 }, (_, i) => `reset-${i}`);
    const sent = new Map<string, string[]>(users.map((u) => [u, []]));
    const send = (u: string, n: number) => sent.get(u)!.push(phone.patientSends(u, { kind: 'text', text: script[n]! }));
    const replied = (u: string, n: number, timeoutMs = 60_000) =>
      eventually(() => (phone.inbox(u).length >= expected.textsAfter[n]!.length ? true : undefined), `${u}: reply to message ${n + 1}`, timeoutMs);
    const converse = async (u: string, from: number, to: number) => {
      for (let n = from; n < to; n++) {
        send(u, n);
        await replied(u, n);
        await sleep(30 + Math.random() * 80);
      }
    };

    // Three messages each, answered.
    await Promise.all(users.map((u) => converse(u, 0, 3)));

    // Accepted but not yet handled: hold the drains, two messages per chat reach the mailboxes, then Redis dies and
    // comes back with nothing in it.
    await sys.pipeline.mailboxDrains.pause();
    for (const u of users) send(u, 3);
    for (const u of users) send(u, 4);
    for (const u of users) await eventually(async () => ((await sys!.pipeline.mailboxes.length(chatKey('fake', u))) === 2 ? true : undefined), `${u} queued`);
    await redis.stop('SIGKILL');
    await redis.restart();
    const firstBack = Date.now();
    await Promise.all(users.map((u) => replied(u, 4)));
    const firstRecovery = Date.now() - firstBack;

    // Again with traffic flowing: patients keep answering while an empty Redis replaces the old one.
    const rest = Promise.all(users.map((u) => converse(u, 5, script.length)));
    await sleep(400);
    await redis.stop('SIGKILL');
    const downAt = Date.now();
    await sleep(300);
    await redis.restart();
    await rest;
    const secondRecovery = Date.now() - downAt;

    // Judged from committed state once every chat is idle (mailbox empty, outbox dispatched, no send job left).
    for (const u of users) await chatIdle(sys, u, { timeoutMs: 30_000 });
    const want = expected.textsAfter.at(-1)!;
    for (const u of users) {
      const rec = chatRecord(sys.db, u);
      expect(rec.inboundIds, `${u}: every accepted message handled once, in the order sent`).toEqual(sent.get(u));
      expect(rec.outbound.map((m) => m.text), `${u}: stored replies`).toEqual(want);
      expect(rec.outbound.every((m) => m.status === 'sent'), u).toBe(true);
      expect(phone.inbox(u).map((d) => d.text), `${u}: no reply doubled on the phone`).toEqual(want);
    }
    expect(count(sys.db, `SELECT count(*) AS n FROM inbound_pending WHERE handled_at IS NULL`)).toBe(0);
    expect(count(sys.db, `SELECT count(*) AS n FROM inbound_pending`)).toBe(users.length * script.length);

    // Every running conversation has its reminder and expiry again: stored, and cached as a delayed job in the new Redis.
    const running = sys.db.$client.prepare(`SELECT id FROM conversations WHERE json_extract(state, '$.status') = 'active'`).all() as { id: number }[];
    expect(running).toHaveLength(users.length);
    const stored = sys.db.$client.prepare(`SELECT conversation_id AS id, kind FROM timers WHERE state = 'pending'`).all() as { id: number; kind: string }[];
    const jobs = (await sys.pipeline.timers.getJobs(['delayed', 'waiting'])).map((j) => `${j.name}-${String(j.data.conversationId)}`);
    for (const { id } of running) {
      for (const kind of ['reminder', 'expire']) {
        expect(stored, `conversation ${id} ${kind} stored`).toContainEqual({ id, kind });
        expect(jobs, `conversation ${id} ${kind} in Redis`).toContain(`${kind}-${id}`);
      }
    }
    expect(await sys.pipeline.mailboxes.deadLetters()).toEqual([]);
    console.info(
      `redis reset: ${users.length} chats x ${script.length} messages; queued messages answered ${firstRecovery} ms after an empty Redis came back; ` +
        `interviews finished ${secondRecovery} ms after Redis was killed mid-traffic`,
    );
  }, 180_000);
});
