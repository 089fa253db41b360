import { afterEach, describe, expect, inject, it } from 'vitest';
import type { InboundMessage } from '../../src/domain/channel.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord, count } from '../support/pipeline-queries.js';
import { INTERVIEW_SCRIPT, expectedChat, sleep } from '../support/pipeline-script.js';
import { SCRIPTED, eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** Watches the drains: which chats are being handled right now, and how often each patient message was handled. */
function drainProbe() {
  const active = new Set<string>();
  const handled = new Map<string, number>();
  const probe = {
    overlaps: [] as string[],
    handled,
    onItem: async (phase: 'start' | 'end', key: string, item: MailboxItem) => {
      if (phase === 'end') {
        active.delete(key);
        return;
      }
      if (active.has(key)) probe.overlaps.push(key);
      active.add(key);
      if (item.type === 'message') handled.set(item.message.channelMessageId, (handled.get(item.message.channelMessageId) ?? 0) + 1);
      // Yield while "inside" the chat, so a second drain of the same chat, if one could run, would be caught here.
      await sleep(Math.random() < 0.5 ? 0 : 1);
    },
  };
  return probe;
}

describe('the inbound pipeline under concurrency (real Redis and SQLite, 16 concurrent drains)', () => {
  let sys: Sys | undefined;
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  it('handles every message of 200 bursting patients once, in the order each sent them, never two of one chat at once', async () => {
    const probe = drainProbe();
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels', WORKER_CONCURRENCY: '16' }, { ...SCRIPTED, onItem: probe.onItem });
    const phone = sys.fakePlatform!;
    const flow = sys.flows.latest('case-interview')!.flow;

    const patients = Array.from({ length: 200 }, (_, i) => ({ user: `burst-${i}`, messages: INTERVIEW_SCRIPT.slice(0, 5 + (i % 6)), sent: [] as string[] }));
    const total = patients.reduce((n, p) => n + p.messages.length, 0);
    const started = Date.now();
    // Each patient fires its burst at a random moment within ~300 ms, in two quick halves, so new messages keep landing in
    // chats whose drain is running or just finishing.
    await Promise.all(
      patients.map(async (p) => {
        await sleep(Math.random() * 300);
        const half = Math.ceil(p.messages.length / 2);
        for (const text of p.messages.slice(0, half)) p.sent.push(phone.patientSends(p.user, { kind: 'text', text }));
        await sleep(Math.random() * 20);
        for (const text of p.messages.slice(half)) p.sent.push(phone.patientSends(p.user, { kind: 'text', text }));
      }),
    );
    await eventually(() => (count(sys!.db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`) === total ? true : undefined), `${total} inbound rows`, 60_000);
    const expected = new Map(patients.map((p) => [p.messages.length, expectedChat(flow, p.messages)]));
    const botTotal = patients.reduce((n, p) => n + expected.get(p.messages.length)!.textsAfter.at(-1)!.length, 0);
    await eventually(
      () => (count(sys!.db, `SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status = 'sent'`) >= botTotal ? true : undefined),
      `${botTotal} replies sent`,
      30_000,
    );
    const elapsed = Date.now() - started;

    expect(probe.overlaps).toEqual([]);
    const handledTwice = [...probe.handled].filter(([, n]) => n !== 1);
    expect(handledTwice).toEqual([]);
    expect(probe.handled.size).toBe(total);
    for (const p of patients) {
      const want = expected.get(p.messages.length)!;
      const rec = chatRecord(sys.db, p.user);
      expect(rec.conversationIds, p.user).toHaveLength(1);
      // Recorded once each, in send order.
      expect(rec.inboundIds, p.user).toEqual(p.sent);
      // The engine saw the same inputs in the same order as a sequential replay: same replies, same answers, same step.
      expect(rec.outbound.map((m) => m.text), p.user).toEqual(want.textsAfter.at(-1));
      expect(rec.state?.answers, p.user).toEqual(want.state.answers);
      expect(rec.stepId, p.user).toBe(want.state.stepId);
      // And the phone shows each reply once, in the order the turns produced them.
      expect(phone.inbox(p.user).map((d) => d.text), p.user).toEqual(want.textsAfter.at(-1));
    }
    expect(count(sys.db, `SELECT count(*) AS n FROM messages WHERE direction = 'out'`)).toBe(botTotal);
    expect(await sys.pipeline.mailboxes.deadLetters()).toEqual([]);
    console.info(`ordering: ${total} inbound messages from ${patients.length} chats handled and ${botTotal} replies sent in ${elapsed} ms`);
  }, 120_000);

  it('gives a message the channel delivers several times (also concurrently) one effect', async () => {
    const probe = drainProbe();
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels' }, { ...SCRIPTED, onItem: probe.onItem });
    const phone = sys.fakePlatform!;
    const flow = sys.flows.latest('case-interview')!.flow;
    const greeting = expectedChat(flow, ['halo']).textsAfter[0]!;
    const first = (user: string): InboundMessage => ({ channel: 'fake', channelMessageId: `dup-${user}`, channelUserId: user, sentAt: Date.now(), content: { kind: 'text', text: 'halo' } });

    // 30 chats, each first message delivered 4 times, all at once and shuffled.
    const users = Array.from({ length: 30 }, (_, i) => `dup-user-${i}`);
    const deliveries = users.flatMap((u) => [first(u), first(u), first(u), first(u)]).sort(() => Math.random() - 0.5);
    const outcomes = await Promise.all(deliveries.map((m) => sys!.pipeline.enqueueInbound(m)));
    expect(outcomes.filter((o) => o === 'queued')).toHaveLength(users.length);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(users.length * 3);
    for (const u of users) await eventually(() => (phone.inbox(u).length >= greeting.length ? true : undefined), `${u} greeted`);

    // Delivered again after it was handled: still a duplicate.
    expect(await sys.pipeline.enqueueInbound(first(users[0]!))).toBe('duplicate');
    // Redis forgets message ids after a week: a very late redelivery reaches the turn, which sees it is recorded already.
    await sys.redis.del(`${sys.config.REDIS_PREFIX}:mb:seen:fake:dup-${users[0]}`);
    expect(await sys.pipeline.enqueueInbound(first(users[0]!))).toBe('queued');
    await eventually(() => (probe.handled.get(`dup-${users[0]}`) === 2 ? true : undefined), 'the late redelivery handled');
    const yes = phone.patientSends(users[0]!, { kind: 'text', text: 'ya' });
    const afterYes = expectedChat(flow, ['halo', 'ya']).textsAfter[1]!;
    await eventually(() => (phone.inbox(users[0]!).length >= afterYes.length ? true : undefined), 'reply to the next message');
    // Judged once the pipeline is done with every chat (committed state and queues), so a late duplicate reply cannot hide.
    for (const u of users) await chatIdle(sys, u);

    for (const u of users) {
      const rec = chatRecord(sys.db, u);
      const want = u === users[0] ? afterYes : greeting;
      expect(rec.inboundIds, u).toEqual(u === users[0] ? [`dup-${u}`, yes] : [`dup-${u}`]);
      expect(rec.outbound.map((m) => m.text), u).toEqual(want);
      expect(phone.inbox(u).map((d) => d.text), u).toEqual(want);
    }
    expect(count(sys.db, `SELECT count(*) AS n FROM conversations`)).toBe(users.length);
  });
});
