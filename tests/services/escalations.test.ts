import { describe, expect, it } from 'vitest';
import { createRepositories, schema } from '../../src/db/index.js';
import { escalateConversation, recordEscalation } from '../../src/services/escalations.js';
import { seedConversation } from '../support/seed.js';
import { openTestDb } from '../support/test-db.js';

/** The one escalation rule, as the turn, delivery and the inbox all use it. */
describe('escalations', () => {
  it('a second request on a waiting chat raises its priority instead of opening another', () => {
    const db = openTestDb();
    const stores = createRepositories(db);
    const chat = seedConversation(db);
    const first = recordEscalation(stores, { conversationId: chat.conversationId, caseId: chat.caseId, reason: 'patient_asked', priority: 'normal', detail: null, stepId: null }, null, 1_000);
    const again = recordEscalation(stores, { conversationId: chat.conversationId, caseId: chat.caseId, reason: 'unreachable', priority: 'high', detail: null, stepId: null }, null, 2_000);
    const lower = recordEscalation(stores, { conversationId: chat.conversationId, caseId: chat.caseId, reason: 'risky_answer', priority: 'normal', detail: null, stepId: null }, null, 3_000);
    expect(first).toMatchObject({ created: true });
    expect(again).toMatchObject({ created: false, escalationId: first.escalationId, live: [{ type: 'escalation.updated' }] });
    expect(lower).toMatchObject({ created: false, live: [] });
    const rows = db.select().from(schema.escalations).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'open', priority: 'high', reason: 'patient_asked', waitingSince: 1_000 });
    // Integrations hear about the new escalation once.
    const events = db.select().from(schema.outbox).all().map((r) => JSON.parse(r.payload) as { event: string });
    expect(events.map((e) => e.event)).toEqual(['escalation.created']);
  });

  it('an escalation on a chat a tracer holds is pending with that tracer, and a closed chat is refused', () => {
    const db = openTestDb();
    const stores = createRepositories(db);
    const chat = seedConversation(db);
    const conv = stores.conversations.byId(chat.conversationId)!;
    db.$client.prepare(`INSERT INTO users (id, email, name, role, password_hash) VALUES (7, 'ani@example.org', 'Ani', 'tracer', 'x')`).run();
    expect(stores.conversations.writeOwnership(conv.id, conv, { owner: 'tracer', assigneeId: 7 }, 1_000)).toBe(true);
    const held = stores.conversations.byId(conv.id)!;
    const r = escalateConversation(stores, held, { reason: 'unreachable', priority: 'high', detail: 'blocked' }, 2_000);
    expect(r).toMatchObject({ ok: true, created: true });
    expect(db.select().from(schema.escalations).all()[0]).toMatchObject({ status: 'pending', assigneeId: 7, claimedAt: 2_000 });
    stores.conversations.writeOwnership(conv.id, { owner: 'tracer', assigneeId: 7 }, { owner: 'closed', assigneeId: null }, 3_000);
    expect(escalateConversation(stores, stores.conversations.byId(conv.id)!, { reason: 'patient_asked', priority: 'normal', detail: null }, 4_000)).toEqual({ ok: false, error: 'closed' });
  });
});
