import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createRepositories, schema } from '../../src/db/index.js';
import { claim, claimNext, handBack, listQueue, openEscalation, release, reply, resolve } from '../../src/services/inbox/index.js';
import { startRacer } from '../support/claim-racer-process.js';
import { seedConversation, seedEscalated, seedUser, tempDb } from '../support/seed.js';

describe('inbox services', () => {
  it('two processes claiming the same chat: one wins, the other learns who has it', async () => {
    const { db, file } = tempDb();
    const ani = await seedUser(db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
    const budi = await seedUser(db, { email: 'budi@example.org', role: 'tracer', name: 'Budi' });
    const names = new Map([[ani.id, 'Ani'], [budi.id, 'Budi']]);
    const chats = Array.from({ length: 8 }, () => seedEscalated(db).conversationId);
    // Two processes, each with its own connection to the database, as two web processes would have. Both get the same chat
    // and the same start instant for each round, so their claims really overlap (the database, not the test, orders them).
    const racers = await Promise.all([ani, budi].map(() => startRacer(file)));
    try {
      for (const conversationId of chats) {
        const at = Date.now() + 50;
        const [a, b] = await Promise.all([
          racers[0]!.claim({ conversationId, actor: { id: ani.id, role: 'tracer' }, at }),
          racers[1]!.claim({ conversationId, actor: { id: budi.id, role: 'tracer' }, at }),
        ]);
        const results = [a!, b!];
        const winners = results.filter((r) => r.result.ok);
        expect(winners, `chat ${conversationId}`).toHaveLength(1);
        const winner = winners[0]!.actorId;
        const loser = results.find((r) => r.actorId !== winner)!;
        expect(loser.result).toEqual({ ok: false, error: 'already_claimed', by: { id: winner, name: names.get(winner) } });
        const conv = db.select().from(schema.conversations).where(eq(schema.conversations.id, conversationId)).get()!;
        expect(conv).toMatchObject({ owner: 'tracer', assigneeId: winner });
        const escalations = db.select().from(schema.escalations).where(eq(schema.escalations.conversationId, conversationId)).all();
        expect(escalations.map((e) => ({ status: e.status, assigneeId: e.assigneeId }))).toEqual([{ status: 'pending', assigneeId: winner }]);
      }
    } finally {
      await Promise.all(racers.map((r) => r.stop()));
    }
  }, 60_000);

  it('does not open a second escalation for a chat already waiting, but raises its priority', async () => {
    const { db } = tempDb();
    const chat = seedEscalated(db, { priority: 'normal' });
    const again = openEscalation(createRepositories(db), { conversationId: chat.conversationId, reason: 'risky_answer', priority: 'urgent' }, Date.now());
    expect(again).toMatchObject({ ok: true, created: false, escalationId: chat.escalationId });
    const rows = db.select().from(schema.escalations).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.priority).toBe('urgent');
    const conv = db.select().from(schema.conversations).where(eq(schema.conversations.id, chat.conversationId)).get()!;
    expect(conv).toMatchObject({ owner: 'tracer', assigneeId: null });
  });

  it('keeps the original waiting time when a chat is released, so it stays ahead of newer ones', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const ani = await seedUser(db, { email: 'ani@example.org', role: 'tracer' });
    const early = seedEscalated(db, { waitingSince: 1_000 });
    seedEscalated(db, { waitingSince: 5_000 });
    expect(claim(repos, early.conversationId, { id: ani.id, role: 'tracer' }, 6_000).ok).toBe(true);
    expect(release(repos, early.conversationId, { id: ani.id, role: 'tracer' }, 7_000).ok).toBe(true);
    const queue = listQueue(repos, { view: 'unassigned', status: 'open', userId: ani.id });
    expect(queue.map((q) => q.conversationId)[0]).toBe(early.conversationId);
    const next = claimNext(repos, { id: ani.id, role: 'tracer' }, 8_000);
    expect(next).toMatchObject({ ok: true, conversationId: early.conversationId });
  });

  it('refuses replies on a chat the bot owns, and after hand-back the bot owns it again', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const ani = await seedUser(db, { email: 'ani@example.org', role: 'tracer' });
    const c = seedConversation(db);
    expect(reply(repos, c.conversationId, 'hi', { id: ani.id, role: 'tracer' }, 1)).toMatchObject({ ok: false, error: 'not_with_tracer' });
    expect(claim(repos, c.conversationId, { id: ani.id, role: 'tracer' }, 2).ok).toBe(true);
    expect(reply(repos, c.conversationId, 'hi', { id: ani.id, role: 'tracer' }, 3).ok).toBe(true);
    expect(handBack(repos, c.conversationId, null, { id: ani.id, role: 'tracer' }, 4).ok).toBe(true);
    expect(reply(repos, c.conversationId, 'again', { id: ani.id, role: 'tracer' }, 5)).toMatchObject({ ok: false, error: 'not_with_tracer' });
  });

  it('lets a coordinator resolve a chat someone else holds; a tracer may not', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const ani = await seedUser(db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
    const budi = await seedUser(db, { email: 'budi@example.org', role: 'tracer' });
    const coord = await seedUser(db, { email: 'coord@example.org', role: 'coordinator' });
    const chat = seedEscalated(db);
    claim(repos, chat.conversationId, { id: ani.id, role: 'tracer' }, 1);
    expect(resolve(repos, chat.conversationId, 'other', { id: budi.id, role: 'tracer' }, 2)).toMatchObject({ ok: false, error: 'not_assignee', by: { name: 'Ani' } });
    expect(resolve(repos, chat.conversationId, 'refused', { id: coord.id, role: 'coordinator' }, 3).ok).toBe(true);
    expect(claim(repos, chat.conversationId, { id: budi.id, role: 'tracer' }, 4)).toMatchObject({ ok: false, error: 'closed' });
  });
});
