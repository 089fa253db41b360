import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRepositories, type Db } from '../../src/db/index.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { ConversationService } from '../../src/services/turn/index.js';
import { openTestDb } from '../support/test-db.js';

// One turn per mailbox item, against real SQLite and the small fixture flow; no Redis (the queue is not under test here).
const FLOW = fileURLToPath(new URL('../fixtures/flows/valid-small.yaml', import.meta.url));
const NOW = Date.parse('2026-11-25T03:00:00Z');
const PHONE = '+6281234567001';

function setUp(): { db: Db; turn: (text: string, at?: number) => ReturnType<ConversationService['handle']> } {
  const db = openTestDb();
  const repos = createRepositories(db);
  const flows = new FlowRegistry(repos);
  const published = flows.publish(readFileSync(FLOW, 'utf8'), FLOW, { origin: 'test', now: NOW - 1000 });
  if (!published.ok) throw new Error('fixture flow did not publish');
  db.$client.prepare(`INSERT INTO cases (id, external_id, name, phone, confirmed_at) VALUES (1, 'C-1', 'Siti', ?, ?)`).run(PHONE, NOW - 86_400_000);
  const service = new ConversationService({ stores: repos, flows, defaultFlow: 'small-interview', defaultCountry: 'ID' });
  let seq = 0;
  const turn = (text: string, at = NOW + ++seq * 1000) => {
    const item: MailboxItem = {
      type: 'message',
      message: { channel: 'fake', channelMessageId: `m${seq}`, channelUserId: 'u1', phone: PHONE, sentAt: at, content: { kind: 'text', text } },
      enqueuedAt: at - 7,
    };
    return service.handle(item, at);
  };
  return { db, turn };
}

const row = (db: Db, sql: string) => db.$client.prepare(sql).get() as Record<string, unknown>;
const events = (db: Db) => (db.$client.prepare(`SELECT payload FROM outbox WHERE kind = 'event' ORDER BY id`).all() as { payload: string }[]).map((r) => (JSON.parse(r.payload) as { event: string }).event);

describe('a conversation turn', () => {
  it('opens the chat for the case the phone identifies, queues the replies with the time the message entered the pipeline, and arms the timers', () => {
    const { db, turn } = setUp();
    const out = turn('halo', NOW);
    expect(out.conversationId).not.toBeNull();
    expect(out.timers.map((t) => t.timer)).toEqual(['reminder', 'expire']);
    const send = row(db, `SELECT payload FROM outbox WHERE kind = 'send'`);
    expect(JSON.parse(send.payload as string)).toMatchObject({ inboundAt: NOW - 7 });
    expect(row(db, `SELECT case_id, owner FROM conversations`)).toEqual({ case_id: 1, owner: 'bot' });
    expect(row(db, `SELECT status, first_reached_at FROM cases`)).toEqual({ status: 'interviewing', first_reached_at: NOW });
  });

  it('a risky answer hands the chat to the queue: one urgent open escalation, an event for integrations, and a silent bot', () => {
    const { db, turn } = setUp();
    turn('halo');
    turn('2026-11-20');
    turn('ya');
    expect(row(db, `SELECT owner, assignee_id FROM conversations`)).toEqual({ owner: 'tracer', assignee_id: null });
    expect(row(db, `SELECT status, priority, reason FROM escalations`)).toEqual({ status: 'open', priority: 'urgent', reason: 'risky_answer' });
    expect(events(db)).toContain('escalation.created');
    const before = row(db, `SELECT count(*) AS n FROM outbox`).n;
    turn('halo?');
    expect(row(db, `SELECT count(*) AS n FROM outbox`).n).toBe(before);
    expect(row(db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`).n).toBe(4);
  });

  it('a patient who stops is closed by the ownership rules, and what they send later is kept but never answered', () => {
    const { db, turn } = setUp();
    turn('halo');
    turn('berhenti');
    turn('ya');
    expect(row(db, `SELECT owner, opted_out, closed_reason FROM conversations`)).toEqual({ owner: 'closed', opted_out: 1, closed_reason: 'stopped' });
    expect(row(db, `SELECT status FROM cases`)).toEqual({ status: 'opted_out' });
    const replies = row(db, `SELECT count(*) AS n FROM messages WHERE direction = 'out'`).n;
    const out = turn('halo lagi');
    expect(out.outboxIds).toEqual([]);
    expect(row(db, `SELECT count(*) AS n FROM messages WHERE direction = 'out'`).n).toBe(replies);
    expect(row(db, `SELECT count(*) AS n FROM conversations`).n).toBe(1);
  });

  it('a patient who writes again after a tracer resolved an unfinished interview goes back to a person, through an escalation', () => {
    const { db, turn } = setUp();
    turn('halo');
    const stores = createRepositories(db);
    const conv = stores.conversations.byId(1)!;
    stores.conversations.writeOwnership(conv.id, conv, { owner: 'closed', assigneeId: null }, NOW + 10_000, { closedReason: 'resolved' });
    turn('saya mau bicara lagi');
    expect(row(db, `SELECT owner, assignee_id, closed_reason FROM conversations`)).toEqual({ owner: 'tracer', assignee_id: null, closed_reason: null });
    expect(row(db, `SELECT status, reason FROM escalations`)).toEqual({ status: 'open', reason: 'patient_asked' });
    expect(events(db)).toEqual(['escalation.created']);
  });
});
