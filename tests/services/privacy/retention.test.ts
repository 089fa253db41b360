import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../src/cli/demo.js';
import { createRepositories, type Db } from '../../../src/db/index.js';
import { dashboard, exportCasesCsv } from '../../../src/services/coordinator/index.js';
import { RETENTION_JOB, runRetention, runRetentionIfDue } from '../../../src/services/privacy/index.js';
import { tempDb } from '../../support/temp-db.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T03:00:00Z');
const DAYS = 90;
// 90 days after the demo's "now", minus 3.5: chats closed in the demo week's first half are due, the others are not.
const AT = NOW + (DAYS - 3.5) * DAY;
const CUTOFF = AT - DAYS * DAY;

type Row = Record<string, unknown> & { id: number };
const rows = (db: Db, table: string) => db.$client.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Row[];
const byId = (list: Row[]) => new Map(list.map((r) => [r.id, r]));
const figures = (db: Db) =>
  dashboard(createRepositories(db), { from: '2026-03-02', to: '2026-03-10', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW });

function demo(): Db {
  const { db } = tempDb();
  const r = runDemo(db, { now: NOW, seed: 42 });
  if (!r.ok) throw new Error(r.detail);
  return db;
}

/** The policy written out independently of the repository's SQL: what must be cleared at CUTOFF. */
function expectedDue(before: { conversations: Row[]; cases: Row[]; contacts: Row[]; exposures: Row[] }) {
  const quiet = (r: Row) => (r.updated_at as number) <= CUTOFF;
  const over = (c: Row) => quiet(c) && (c.owner === 'closed' || (c.owner === 'bot' && ['completed', 'stopped'].includes((JSON.parse(c.state as string) as { status: string }).status)));
  const conversations = before.conversations.filter(over).map((c) => c.id);
  const liveCase = (id: unknown) => {
    const cs = before.cases.find((c) => c.id === id)!;
    return !quiet(cs) || before.conversations.some((c) => c.case_id === id && !over(c));
  };
  const cases = before.cases.filter((c) => !liveCase(c.id)).map((c) => c.id);
  const liveConversation = (id: unknown) => id !== null && before.conversations.some((c) => c.id === id && !over(c));
  const contacts = before.contacts
    .filter(
      (ct) =>
        quiet(ct) &&
        !before.exposures.some((e) => e.contact_id === ct.id && (liveCase(e.case_id) || liveConversation(e.conversation_id))) &&
        !before.cases.some((c) => c.source_contact_id === ct.id && liveCase(c.id)),
    )
    .map((c) => c.id);
  return { conversations, cases, contacts };
}

describe('retention after RETENTION_DAYS_AFTER_CLOSE', () => {
  it('clears exactly the chats, cases and contacts past their time, leaves the rest, and keeps the dashboard figures', () => {
    const db = demo();
    const stores = createRepositories(db);
    // A tracer's edit of an answer in a chat that will be due: the audit row keeps who and when, not the values.
    const dueChat = rows(db, 'conversations').find((c) => c.owner === 'bot' && (c.updated_at as number) <= CUTOFF && (c.state as string).includes('"completed"'))!;
    db.$client
      .prepare(`INSERT INTO audit_log (at, actor_kind, actor_id, action, entity_type, entity_id, details) VALUES (?, 'user', 1, 'edit_answer', 'conversation', ?, ?)`)
      .run(NOW, String(dueChat.id), JSON.stringify({ key: 'symptoms', old: 'batuk', new: 'batuk dan demam' }));

    const before = {
      conversations: rows(db, 'conversations'),
      cases: rows(db, 'cases'),
      contacts: rows(db, 'contacts'),
      exposures: rows(db, 'exposures'),
      messages: rows(db, 'messages'),
      answers: rows(db, 'answers'),
      escalations: rows(db, 'escalations'),
    };
    const dashboardBefore = figures(db);
    const casesCsvBefore = exportCasesCsv(stores, {}, { timeZone: 'Asia/Jakarta' }).split('\n').length;
    const expected = expectedDue(before);
    // The fixture must exercise both sides of the rule.
    expect(expected.conversations.length).toBeGreaterThan(0);
    expect(expected.conversations.length).toBeLessThan(before.conversations.length);
    expect(expected.cases.length).toBeGreaterThan(0);
    expect(expected.cases.length).toBeLessThan(before.cases.length);
    expect(expected.contacts.length).toBeGreaterThan(0);
    expect(expected.contacts.length).toBeLessThan(before.contacts.length);

    // Dry run: reports exactly the due records and changes nothing.
    const dry = runRetention(stores, { at: AT, days: DAYS, dryRun: true });
    expect(dry.targets).toEqual({ conversationIds: expected.conversations, caseIds: expected.cases, contactIds: expected.contacts });
    expect(dry.counts.messageTexts).toBe(before.messages.filter((m) => expected.conversations.includes(m.conversation_id as number) && (m.text ?? m.payload) !== null).length);
    expect(rows(db, 'messages')).toEqual(before.messages);
    expect(rows(db, 'cases')).toEqual(before.cases);

    // In small batches (one transaction each), as a large backlog is cleared.
    const run = runRetention(stores, { at: AT, days: DAYS, batch: 4 });
    expect(run.targets).toEqual(dry.targets);
    expect(run.counts).toEqual(dry.counts);

    const due = new Set(expected.conversations);
    const messages = byId(rows(db, 'messages'));
    for (const m of before.messages) {
      const now = messages.get(m.id)!;
      if (due.has(m.conversation_id as number)) {
        expect(now.text).toBeNull();
        expect(now.payload).toBeNull();
        expect({ ...now, text: m.text, payload: m.payload, error: m.error }).toEqual(m);
      } else expect(now).toEqual(m);
    }
    const answersAfter = rows(db, 'answers');
    expect(answersAfter).toEqual(before.answers.filter((a) => !due.has(a.conversation_id as number) && !expected.cases.includes(a.case_id as number)));
    const conversations = byId(rows(db, 'conversations'));
    for (const c of before.conversations) {
      const now = conversations.get(c.id)!;
      if (!due.has(c.id)) {
        expect(now).toEqual(c);
        continue;
      }
      expect(now.channel_user_id).toBe(`removed:${c.id}`);
      const state = JSON.parse(now.state as string) as Record<string, unknown>;
      expect(state).toMatchObject({ answers: {}, lists: {}, case: {} });
      expect({ ...now, channel_user_id: c.channel_user_id, state: c.state }).toEqual(c);
    }
    const cases = byId(rows(db, 'cases'));
    for (const c of before.cases) {
      const now = cases.get(c.id)!;
      if (expected.cases.includes(c.id)) {
        expect(now).toMatchObject({ name: '', phone: null, date_of_birth: null, start_code_hash: null, external_id: c.external_id });
        expect({ ...now, name: c.name, phone: c.phone, date_of_birth: c.date_of_birth, start_code_hash: c.start_code_hash }).toEqual(c);
      } else expect(now).toEqual(c);
    }
    const contacts = byId(rows(db, 'contacts'));
    for (const c of before.contacts) {
      const now = contacts.get(c.id)!;
      if (expected.contacts.includes(c.id)) expect(now).toEqual({ ...c, name: '', phone: null });
      else expect(now).toEqual(c);
    }
    // Rows stay, so counts stay: the dashboard and the case export show the same past figures.
    expect(rows(db, 'escalations').length).toBe(before.escalations.length);
    expect(rows(db, 'exposures').length).toBe(before.exposures.length);
    expect(figures(db)).toEqual(dashboardBefore);
    expect(exportCasesCsv(stores, {}, { timeZone: 'Asia/Jakarta' }).split('\n').length).toBe(casesCsvBefore);

    const edit = db.$client.prepare(`SELECT details FROM audit_log WHERE action = 'edit_answer'`).get() as { details: string };
    expect(JSON.parse(edit.details)).toEqual({ key: 'symptoms' });
    const logged = db.$client.prepare(`SELECT actor_kind, details FROM audit_log WHERE action = 'retention.run'`).all() as { actor_kind: string; details: string }[];
    expect(logged).toHaveLength(1);
    expect(logged[0]!.actor_kind).toBe('system');
    expect(JSON.parse(logged[0]!.details)).toMatchObject({ days: DAYS, conversations: expected.conversations.length, cases: expected.cases.length });

    // Done once: a second run at the same moment finds nothing left.
    const again = runRetention(stores, { at: AT, days: DAYS });
    expect(again.targets).toEqual({ conversationIds: [], caseIds: [], contactIds: [] });
  });

  it('runs as a daily job from its stored due time, once per day however many workers look', () => {
    const db = demo();
    const stores = createRepositories(db);
    const first = runRetentionIfDue(stores, { now: AT, days: DAYS });
    expect(first?.counts.conversations).toBeGreaterThan(0);
    expect(stores.privacy.scheduledJob(RETENTION_JOB)).toMatchObject({ dueAt: AT + DAY, lastRunAt: AT });
    // Another worker a minute later, and one an hour later: not due.
    expect(runRetentionIfDue(stores, { now: AT + 60_000, days: DAYS })).toBeUndefined();
    expect(runRetentionIfDue(stores, { now: AT + 3_600_000, days: DAYS })).toBeUndefined();
    // The next day it runs again and clears the chats that became due since.
    const next = runRetentionIfDue(stores, { now: AT + DAY + 5_000, days: DAYS });
    expect(next).toBeDefined();
    expect(next!.targets.conversationIds.every((id) => !first!.targets.conversationIds.includes(id))).toBe(true);
    expect(stores.privacy.scheduledJob(RETENTION_JOB)!.dueAt).toBe(AT + 2 * DAY);
    // Two workers claiming the same occurrence: only one wins.
    expect(stores.privacy.claimScheduledJob(RETENTION_JOB, AT + 2 * DAY, AT + 3 * DAY)).toBe(true);
    expect(stores.privacy.claimScheduledJob(RETENTION_JOB, AT + 2 * DAY, AT + 3 * DAY)).toBe(false);
  });
});
