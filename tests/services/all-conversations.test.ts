import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createRepositories, schema } from '../../src/db/index.js';
import { loadFlowFile } from '../../src/flow/load.js';
import { linkChatToCase, listAllConversations } from '../../src/services/inbox/all-conversations.js';
import { seedConversation, seedUser, tempDb } from '../support/seed.js';

const flow = loadFlowFile(new URL('../../flows/case-interview.yaml', import.meta.url).pathname);
if (!flow.ok) throw new Error('the default flow must load');
const flowOf = () => (flow.ok ? flow.flow : undefined);

/** A finished /phone chat with no case: its answers and two collected contacts live only in the conversation. */
function anonymousFinishedChat(db: ReturnType<typeof tempDb>['db']) {
  const lists = { contacts: [{ name: 'Siti Aminah', phone: '+6281311112222', setting: 'household', last_contact: '2026-11-18', symptoms: false }, { name: 'Andi', setting: 'workplace' }], places: [{ name: 'Pasar Minggu', date: '2026-11-17' }] };
  const state = { lang: 'id', status: 'completed', stepId: null, answers: { has_symptoms: false }, lists, collect: null, invalid: 0, reminders: 0, confirmingStop: false, case: {} };
  const conv = db.insert(schema.conversations).values({ channel: 'fake', channelUserId: '+6285699998888', caseId: null, flowId: 'case-interview', flowVersion: 1, stepId: null, state: JSON.stringify(state), owner: 'closed', closedReason: 'completed' }).returning().get();
  db.insert(schema.answers).values({ conversationId: conv.id, caseId: null, key: 'has_symptoms', value: 'false', stepId: 'has_symptoms' }).run();
  return conv.id;
}

describe('all conversations, finished ones included', () => {
  it('finds chats by case name, case number, phone, status and channel', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const budi = seedConversation(db, { name: 'Budi Santoso', now: 1_000 });
    const anon = anonymousFinishedChat(db);
    const caseNo = db.select().from(schema.cases).where(eq(schema.cases.id, budi.caseId)).get()!.externalId;
    const admin = { id: 1, role: 'admin' as const, areas: [] };
    const ids = (q: Parameters<typeof listAllConversations>[1]) => listAllConversations(repos, q, admin).map((r) => r.conversationId);
    expect(ids({}).sort()).toEqual([budi.conversationId, anon].sort());
    expect(ids({ search: 'santoso' })).toEqual([budi.conversationId]);
    expect(ids({ search: caseNo })).toEqual([budi.conversationId]);
    expect(ids({ search: '0856 9999 8888' })).toEqual([anon]);
    expect(ids({ status: 'closed' })).toEqual([anon]);
    expect(ids({ status: 'unlinked' })).toEqual([anon]);
    expect(ids({ status: 'bot' })).toEqual([budi.conversationId]);
    expect(ids({ channel: 'telegram' })).toEqual([]);
    expect(ids({ search: '100%' })).toEqual([]);
  });

  it('lists for a tracer only the chats they may open: held by them or escalated', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const tia = await seedUser(db, { email: 'tia-list@example.org', role: 'tracer' });
    const other = seedConversation(db, { name: 'Someone Else' });
    const anon = anonymousFinishedChat(db);
    const me = { id: tia.id, role: 'tracer' as const, areas: [] };
    expect(listAllConversations(repos, {}, me)).toEqual([]);
    db.update(schema.conversations).set({ assigneeId: tia.id }).where(eq(schema.conversations.id, anon)).run();
    expect(listAllConversations(repos, {}, me).map((r) => r.conversationId)).toEqual([anon]);
    expect(listAllConversations(repos, {}, { id: 999, role: 'coordinator', areas: [] }).map((r) => r.conversationId).sort()).toEqual([other.conversationId, anon].sort());
  });

  it('a tracer links a chat without a case: answers and contacts join the case, once, audited', async () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const tracer = await seedUser(db, { email: 'tia@example.org', role: 'tracer' });
    const other = seedConversation(db, { name: 'Rina' });
    const anon = anonymousFinishedChat(db);
    const caseNo = db.select().from(schema.cases).where(eq(schema.cases.id, other.caseId)).get()!.externalId;

    expect(linkChatToCase(repos, flowOf, anon, 'NO-SUCH', { id: tracer.id, role: 'tracer', areas: [] }, 5)).toEqual({ ok: false, error: 'case_not_found' });
    expect(linkChatToCase(repos, flowOf, anon, caseNo, { id: tracer.id, role: 'tracer', areas: [] }, 5)).toEqual({ ok: true, caseId: other.caseId, contacts: 2 });
    expect(linkChatToCase(repos, flowOf, anon, caseNo, { id: tracer.id, role: 'tracer', areas: [] }, 6)).toEqual({ ok: false, error: 'already_linked' });

    expect(db.select().from(schema.conversations).where(eq(schema.conversations.id, anon)).get()!.caseId).toBe(other.caseId);
    expect(repos.cases.answersOf(other.caseId).map((a) => a.key)).toContain('has_symptoms');
    expect(repos.cases.contactsOf(other.caseId).map((c) => c.name).sort()).toEqual(['Andi', 'Siti Aminah']);
    const audit = db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'conversation.link_case')).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(tracer.id);
    expect(audit[0]!.entityId).toBe(String(anon));
  });
});
