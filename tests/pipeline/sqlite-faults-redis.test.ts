import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { chatKey } from '../../src/queue/jobs.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord, count } from '../support/pipeline-queries.js';
import { INTERVIEW_SCRIPT, expectedChat } from '../support/pipeline-script.js';
import { SCRIPTED, eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

// Issue 12: what survives when SQLite cannot write. A full disk is SQLite's own SQLITE_FULL (the file, packed by VACUUM,
// may not grow past `max_page_count`); a locked database is another process holding the write lock
// longer than the 5 s busy timeout. Either way nothing accepted may be lost or doubled, and nothing half-accepted may
// be acknowledged.
describe('SQLite that cannot write', () => {
  let sys: Sys | undefined;
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  const users = Array.from({ length: 6 }, (_, i) => `fault-${i}`);
  const script = INTERVIEW_SCRIPT;

  /** How often each patient message was handed to a turn (by channel message id). */
  const tries = new Map<string, number>();

  async function start() {
    tries.clear();
    const onItem = (phase: 'start' | 'end', _key: string, item: MailboxItem) => {
      if (phase === 'start' && item.type === 'message') tries.set(item.message.channelMessageId, (tries.get(item.message.channelMessageId) ?? 0) + 1);
    };
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels' }, { ...SCRIPTED, deadLetterReplayAfterMs: 300, onItem });
    const phone = sys.fakePlatform!;
    const expected = expectedChat(sys.flows.latest('case-interview')!.flow, script);
    const sent = new Map<string, string[]>(users.map((u) => [u, []]));
    const send = (u: string, n: number) => sent.get(u)!.push(phone.patientSends(u, { kind: 'text', text: script[n]! }));
    const replied = (u: string, n: number, timeoutMs = 60_000) =>
      eventually(() => (phone.inbox(u).length >= expected.textsAfter[n]!.length ? true : undefined), `${u}: reply to message ${n + 1}`, timeoutMs);
    for (const u of users) {
      for (let n = 0; n < 3; n++) {
        send(u, n);
        await replied(u, n);
      }
    }
    return { s: sys, phone, expected, sent, send, replied };
  }

  /** Every chat, once idle, holds each accepted message once and in order and got each reply once. */
  async function expectWhole(s: Sys, sent: Map<string, string[]>, expected: ReturnType<typeof expectedChat>, upTo: number) {
    const want = expected.textsAfter[upTo]!;
    for (const u of users) await chatIdle(s, u, { timeoutMs: 30_000 });
    for (const u of users) {
      const rec = chatRecord(s.db, u);
      expect(rec.inboundIds, `${u}: every message handled once, in order`).toEqual(sent.get(u));
      expect(rec.outbound.map((m) => m.text), `${u}: stored replies`).toEqual(want);
      expect(s.fakePlatform!.inbox(u).map((d) => d.text), `${u}: no reply lost or doubled on the phone`).toEqual(want);
    }
    expect(count(s.db, `SELECT count(*) AS n FROM inbound_pending WHERE handled_at IS NULL`)).toBe(0);
  }

  it('a full disk: accepted messages whose turn could not commit wait in order until space is back; refused ones were never acknowledged', async () => {
    const { s, phone, expected, sent, send, replied } = await start();
    const c = s.db.$client;

    // Two messages per chat accepted (recorded in SQLite) while the drains are held, then the disk fills up.
    await s.pipeline.mailboxDrains.pause();
    for (const u of users) send(u, 3);
    for (const u of users) send(u, 4);
    for (const u of users) await eventually(async () => ((await s.pipeline.mailboxes.length(chatKey('fake', u))) === 2 ? true : undefined), `${u} queued`);
    // VACUUM packs every page, so growing rows need new pages, and the file may not grow: SQLite's own SQLITE_FULL.
    c.exec('VACUUM');
    c.pragma(`max_page_count = ${Number(c.pragma('page_count', { simple: true }))}`);
    expect(() => c.prepare(`INSERT INTO audit_log (at, actor_kind, action, details) VALUES (0, 'system', 'test.fill', ?)`).run('x'.repeat(50_000))).toThrow(/full/i);

    // The turns fail (SQLITE_FULL: a conversation's state grows with every answer) and nothing is half-written. A storage
    // outage is not a poison message: the items stay at the head of their chats (none dead-lettered) and are tried again.
    await s.pipeline.mailboxDrains.resume();
    // Tried more often than a poison item may be (3 failures), and still not set aside.
    const held = users.flatMap((u) => sent.get(u)!.slice(3, 5));
    await eventually(() => (held.some((id) => (tries.get(id) ?? 0) > 3) ? true : undefined), 'a waiting message tried past the poison limit', 60_000);
    expect(await s.pipeline.mailboxes.deadLetters()).toEqual([]);
    let waiting = 0;
    for (const u of users) {
      const left = await s.pipeline.mailboxes.length(chatKey('fake', u));
      waiting += left;
      // Whatever committed (a turn whose rows still fitted in a page) is the chat's next messages, in order.
      expect(chatRecord(s.db, u).inboundIds, u).toEqual(sent.get(u)!.slice(0, 5 - left));
    }
    expect(waiting, 'turns that could not commit still wait in their mailboxes').toBeGreaterThan(0);

    // A new patient's long first message cannot be recorded now: it is not acknowledged (no row) and the phone keeps it.
    const late = 'fault-late';
    const refused = phone.patientSends(late, { kind: 'text', text: 'halo '.repeat(1000) });
    expect(await eventually(() => phone.answerTo(refused), 'the service answered the platform')).toBe('refused');
    expect(count(s.db, `SELECT count(*) AS n FROM inbound_pending WHERE channel_message_id = ?`, refused)).toBe(0);
    expect(await s.pipeline.mailboxes.length(chatKey('fake', late))).toBe(0);

    // Space comes back: the waiting messages are handled in order, the refused one is delivered again by its platform.
    c.pragma('max_page_count = 1073741823');
    const back = Date.now();
    phone.redeliver(late, refused);
    await Promise.all(users.map((u) => replied(u, 4)));
    await eventually(() => (phone.inbox(late).length > 0 ? true : undefined), 'the refused message answered after redelivery', 60_000);
    const recoveryMs = Date.now() - back;
    for (const u of users) {
      send(u, 5);
      await replied(u, 5);
    }
    await expectWhole(s, sent, expected, 5);
    expect(chatRecord(s.db, late).inboundIds).toEqual([refused]);
    expect(phone.inbox(late).map((d) => d.text)).toEqual(expectedChat(s.flows.latest('case-interview')!.flow, ['halo']).textsAfter[0]);
    expect(await s.pipeline.mailboxes.deadLetters()).toEqual([]);
    console.log(`disk full: ${waiting} waiting messages all answered ${recoveryMs} ms after space came back`);
  }, 180_000);

  it('a database locked by another process past the busy timeout: writes wait, fail, are retried or redelivered; nothing lost or doubled', async () => {
    const { s, phone, expected, sent, send, replied } = await start();
    // Another process takes the write lock for 8 s (the busy timeout is 5 s).
    const holder = spawn(process.execPath, [path.join(import.meta.dirname, '../support/sqlite-lock-holder.mjs'), path.join(s.dataDir, 'tracebot.db'), '8000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const released = new Promise<number>((resolve) => holder.on('exit', () => resolve(Date.now())));
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));

    for (const u of users) send(u, 3);
    const releasedAt = await released;
    const refused = users.filter((u) => count(s.db, `SELECT count(*) AS n FROM inbound_pending WHERE channel_message_id = ?`, sent.get(u)!.at(-1)!) === 0);
    expect(refused.length, 'intake that waited past the busy timeout refused (did not acknowledge) the message').toBeGreaterThan(0);
    // Messages whose intake gave up are not acknowledged; the platform delivers them again (a repeat is ignored).
    for (const u of users) phone.redeliver(u, sent.get(u)!.at(-1)!);
    await Promise.all(users.map((u) => replied(u, 3)));
    const recoveryMs = Date.now() - releasedAt;
    for (const u of users) {
      send(u, 4);
      await replied(u, 4);
    }
    await expectWhole(s, sent, expected, 4);
    console.log(`locked 8 s: every message answered ${recoveryMs} ms after the lock was released`);
  }, 180_000);
});
