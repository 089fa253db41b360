import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { addNote, claim, listQueue, markChatRead, queuePreviews, queueSearchTerm, reply, unreadCounts } from '../../src/services/inbox/index.js';
import { seedEscalated, seedInbound, seedUser, tempDb } from '../support/seed.js';

describe('queue cards: last message, unread count, search', () => {
  it('shows each chat’s newest message, and counts per person the patient messages they have not seen', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const ani = await seedUser(db, { email: 'ani-p@example.org', role: 'tracer', name: 'Ani' });
    const budi = await seedUser(db, { email: 'budi-p@example.org', role: 'tracer', name: 'Budi' });
    const a = seedEscalated(db, { name: 'Alpha Satu' });
    const b = seedEscalated(db, { name: 'Beta Dua' });
    const t0 = Date.now();
    seedInbound(db, a.conversationId, 'pertama', t0);
    seedInbound(db, b.conversationId, 'beta', t0 + 1);
    // Ani opens chat A and replies; the patient writes twice more; a note is not a message to read.
    markChatRead(repos, ani.id, a.conversationId, t0 + 2);
    expect(claim(repos, a.conversationId, { id: ani.id, role: 'tracer' }, t0 + 2).ok).toBe(true);
    expect(reply(repos, a.conversationId, 'Halo, saya Ani', { id: ani.id, role: 'tracer' }, t0 + 3).ok).toBe(true);
    seedInbound(db, a.conversationId, 'kedua', t0 + 4);
    seedInbound(db, a.conversationId, 'ketiga', t0 + 5);
    expect(addNote(repos, a.conversationId, 'catatan internal', { id: ani.id, role: 'tracer' }, t0 + 6).ok).toBe(true);

    const p = queuePreviews(repos, [a.conversationId, b.conversationId, a.conversationId]);
    expect(p.get(a.conversationId)).toMatchObject({ text: 'ketiga', direction: 'in' });
    expect(p.get(b.conversationId)).toMatchObject({ text: 'beta', direction: 'in' });
    expect(queuePreviews(repos, []).size).toBe(0);

    const ids = [a.conversationId, b.conversationId];
    expect(Object.fromEntries(unreadCounts(repos, ani.id, ids))).toEqual({ [a.conversationId]: 2, [b.conversationId]: 1 });
    expect(Object.fromEntries(unreadCounts(repos, budi.id, ids))).toEqual({ [a.conversationId]: 3, [b.conversationId]: 1 });
    markChatRead(repos, ani.id, a.conversationId, t0 + 7);
    expect(unreadCounts(repos, ani.id, ids).get(a.conversationId)).toBeUndefined();
    expect(unreadCounts(repos, budi.id, ids).get(a.conversationId)).toBe(3);

    reply(repos, a.conversationId, 'Baik', { id: ani.id, role: 'tracer' }, t0 + 8);
    expect(queuePreviews(repos, [a.conversationId]).get(a.conversationId)).toMatchObject({ text: 'Baik', direction: 'out' });
    expect(unreadCounts(repos, ani.id, [])).toEqual(new Map());
  });

  it('finds a chat by part of the name, the case number, or a phone typed the local way', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const me = await seedUser(db, { email: 'cari@example.org', role: 'tracer' });
    const a = seedEscalated(db, { name: 'Siti Rahma' });
    const b = seedEscalated(db, { name: 'Budi 100%_x' });
    const phone = (db.$client.prepare('SELECT phone, external_id AS ext FROM cases WHERE id = ?').get(b.caseId) as { phone: string; ext: string });
    const find = (q: string) => listQueue(repos, { view: 'all', status: 'active', userId: me.id, search: queueSearchTerm(q) }).map((i) => i.conversationId);
    expect(find('rahma')).toEqual([a.conversationId]);
    expect(find(phone.ext)).toEqual([b.conversationId]);
    expect(find(`0${phone.phone.slice(3)}`)).toEqual([b.conversationId]);
    expect(find(phone.phone)).toEqual([b.conversationId]);
    // LIKE wildcards typed by a person are plain characters.
    expect(find('100%_x')).toEqual([b.conversationId]);
    expect(find('%')).toEqual([b.conversationId]);
    expect(find('   ').sort()).toEqual([a.conversationId, b.conversationId].sort());
  });
});
