import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../src/cli/demo.js';
import { createRepositories, type Db } from '../../../src/db/index.js';
import { dashboard } from '../../../src/services/coordinator/index.js';
import { confirmErasure, ERASURE_CONFIRM_MS, exportSubject, holdsPersonalData, parseSubject, requestErasure } from '../../../src/services/privacy/index.js';
import { tempDb } from '../../support/temp-db.js';

const NOW = Date.parse('2026-03-10T03:00:00Z');
const LATER = NOW + 3_600_000;
const ADMIN = { userId: 1, ip: '127.0.0.1' };

type Row = Record<string, unknown> & { id: number };
const all = (db: Db, sql: string, ...p: unknown[]) => db.$client.prepare(sql).all(...p) as Row[];
const figures = (db: Db) => dashboard(createRepositories(db), { from: '2026-03-02', to: '2026-03-10', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW });

function demo(): Db {
  const { db } = tempDb();
  const r = runDemo(db, { now: NOW, seed: 42 });
  if (!r.ok) throw new Error(r.detail);
  return db;
}

/** A demo patient whose interview is over, with a transcript, answers and an exposure naming a contact with a phone. */
function finishedPatient(db: Db): { caseRow: Row; conversationId: number } {
  const conv = all(
    db,
    `SELECT c.id, c.case_id FROM conversations c WHERE c.owner = 'bot' AND json_extract(c.state, '$.status') = 'completed'
       AND EXISTS (SELECT 1 FROM answers a WHERE a.conversation_id = c.id)
       AND EXISTS (SELECT 1 FROM exposures e JOIN contacts ct ON ct.id = e.contact_id WHERE e.conversation_id = c.id AND ct.phone IS NOT NULL)
     ORDER BY c.id LIMIT 1`,
  )[0]!;
  return { caseRow: all(db, `SELECT * FROM cases WHERE id = ?`, conv.case_id)[0]!, conversationId: conv.id };
}

describe('a person’s request: export and erasure', () => {
  it('exports everything held about a phone number, erases it in two steps, and the export afterwards holds nothing personal', async () => {
    const db = demo();
    const stores = createRepositories(db);
    const { caseRow, conversationId } = finishedPatient(db);
    const phone = caseRow.phone as string;
    const subject = parseSubject(stores, phone.replace('+62', '0'), 'ID')!;
    expect(subject).toEqual({ kind: 'phone', phone });
    // The lab's case number finds the same person.
    expect(parseSubject(stores, caseRow.external_id as string, 'ID')).toEqual({ kind: 'case', caseId: caseRow.id });

    const texts = all(db, `SELECT text FROM messages WHERE conversation_id = ? AND text IS NOT NULL ORDER BY id`, conversationId).map((m) => m.text as string);
    const answers = all(db, `SELECT key, value FROM answers WHERE conversation_id = ? ORDER BY id`, conversationId);
    // What the person typed (the bot's own questions, e.g. the consent text kept with the consent record, are not theirs).
    const said = all(db, `SELECT text FROM messages WHERE conversation_id = ? AND direction = 'in' AND length(text) > 8`, conversationId).map((m) => m.text as string);
    expect(said.length).toBeGreaterThan(0);
    const before = exportSubject(stores, subject, LATER);
    expect(before.found.caseIds).toEqual([caseRow.id]);
    expect(before.found.conversationIds).toContain(conversationId);
    expect(holdsPersonalData(before)).toBe(true);
    expect(before.records.cases[0]).toMatchObject({ name: caseRow.name, phone, date_of_birth: caseRow.date_of_birth });
    expect(before.records.messages.filter((m) => m.conversation_id === conversationId).map((m) => m.text).filter(Boolean)).toEqual(texts);
    expect(before.records.answers.filter((a) => a.conversation_id === conversationId).map((a) => ({ key: a.key, value: a.value }))).toEqual(answers);
    const namedContacts = all(db, `SELECT ct.name, ct.phone FROM exposures e JOIN contacts ct ON ct.id = e.contact_id WHERE e.conversation_id = ?`, conversationId);
    // Exposures list whom the person named by id; the other person's name and number are theirs, not in this export.
    expect(before.records.exposures.length).toBeGreaterThan(0);
    for (const c of namedContacts) expect(JSON.stringify(before.records.contacts)).not.toContain(c.phone as string);

    const figuresBefore = figures(db);
    const requested = requestErasure(stores, subject, ADMIN, LATER);
    if (!requested.ok) throw new Error(requested.reason);
    expect(requested.counts.messageTexts).toBeGreaterThanOrEqual(texts.length);
    expect(requested.counts.answers).toBeGreaterThanOrEqual(answers.length);
    // Step two refuses another admin, another person and a late confirmation, and then nothing has changed.
    const confirm = (o: Partial<Parameters<typeof confirmErasure>[2]>) => confirmErasure(stores, undefined, { requestId: requested.requestId, subject, actor: ADMIN, now: LATER + 1000, ...o });
    expect(await confirm({ actor: { userId: 2 } })).toEqual({ ok: false, reason: 'not_requester' });
    expect(await confirm({ subject: { kind: 'phone', phone: '+6281100000000' } })).toEqual({ ok: false, reason: 'subject_mismatch' });
    expect(await confirm({ now: LATER + ERASURE_CONFIRM_MS + 1 })).toEqual({ ok: false, reason: 'expired' });
    expect(exportSubject(stores, subject, LATER)).toEqual(before);

    const done = await confirm({});
    expect(done).toMatchObject({ ok: true, counts: requested.counts });
    expect(await confirm({})).toEqual({ ok: false, reason: 'unknown_request' });

    const after = exportSubject(stores, subject, LATER);
    expect(after.found).toEqual({ caseIds: [], contactIds: [], conversationIds: [] });
    expect(holdsPersonalData(after)).toBe(false);
    // By case id, what is left is anonymous: no name, number, birth date, text or answer, and the case number is gone too.
    const byCase = exportSubject(stores, { kind: 'case', caseId: caseRow.id }, LATER);
    expect(holdsPersonalData(byCase)).toBe(false);
    const left = JSON.stringify(byCase);
    const secrets = [caseRow.name, phone, phone.slice(1), caseRow.date_of_birth, caseRow.external_id, ...said].filter((s): s is string => typeof s === 'string');
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) expect(left).not.toContain(secret);
    expect(all(db, `SELECT id FROM answers WHERE conversation_id = ?`, conversationId)).toEqual([]);
    expect(byCase.records.redactions.map((r) => r.reason)).toContain('erasure');
    // The counts stay.
    expect(figures(db)).toEqual(figuresBefore);

    // Audited: who and when, which records by id; neither the number nor the name.
    const audit = all(db, `SELECT action, actor_id, details FROM audit_log WHERE action LIKE 'subject.%' ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(['subject.erase_requested', 'subject.erased']);
    for (const a of audit) {
      expect(a.actor_id).toBe(ADMIN.userId);
      expect(a.details).not.toContain(phone.slice(3));
      expect(a.details).not.toContain(caseRow.name as string);
    }
  });

  it('a named contact’s follow-up is in their export, and erasure removes its chat address and symptom lists but keeps its dates', async () => {
    const db = demo();
    const stores = createRepositories(db);
    // A contact of their own (the demo's contacts are followed already), named by nobody else in the data.
    const phone = '+6281399990001';
    const contact = db.$client.prepare(`INSERT INTO contacts (name, phone) VALUES ('Rina Kusuma', ?) RETURNING id`).get(phone) as { id: number };
    const enrolment = db.$client
      .prepare(
        `INSERT INTO monitoring_enrolments (contact_id, elicited_at, last_exposure_date, quarantine_end, test_dates, last_checkin_date, status, notify_status, channel, channel_user_id)
         VALUES (?, ?, '2026-03-01', '2026-03-06', '["2026-03-02","2026-03-06"]', '2026-03-07', 'released', 'sent', 'fake', ?) RETURNING id`,
      )
      .get(contact.id, NOW - 9 * 86_400_000, phone) as { id: number };
    db.$client
      .prepare(`INSERT INTO monitoring_checkins (enrolment_id, date, day, due_at, status, answered_at, has_symptoms, symptoms) VALUES (?, '2026-03-03', 2, ?, 'answered', ?, 1, '["fever","cough"]')`)
      .run(enrolment.id, NOW - 7 * 86_400_000, NOW - 7 * 86_400_000);
    const subject = { kind: 'phone' as const, phone };
    const before = exportSubject(stores, subject, LATER);
    expect(before.records.followUp).toEqual([expect.objectContaining({ id: enrolment.id, channel_user_id: phone, quarantine_end: '2026-03-06' })]);
    expect(before.records.checkins).toEqual([expect.objectContaining({ enrolment_id: enrolment.id, symptoms: '["fever","cough"]', has_symptoms: 1 })]);

    const requested = requestErasure(stores, subject, ADMIN, LATER);
    if (!requested.ok) throw new Error(requested.reason);
    expect(await confirmErasure(stores, undefined, { requestId: requested.requestId, subject, actor: ADMIN, now: LATER + 1000 })).toMatchObject({ ok: true });
    const [e] = all(db, `SELECT channel_user_id, status, quarantine_end FROM monitoring_enrolments WHERE id = ?`, enrolment.id);
    expect(e).toEqual({ channel_user_id: null, status: 'released', quarantine_end: '2026-03-06' });
    expect(all(db, `SELECT symptoms, has_symptoms FROM monitoring_checkins WHERE enrolment_id = ?`, enrolment.id)).toEqual([{ symptoms: null, has_symptoms: 1 }]);
    expect(holdsPersonalData(exportSubject(stores, { kind: 'phone', phone }, LATER))).toBe(false);
  });

  it('refuses to erase while a chat with the person is still going on, and when nothing is held', () => {
    const db = demo();
    const stores = createRepositories(db);
    const open = all(db, `SELECT c.case_id FROM conversations c JOIN cases cs ON cs.id = c.case_id WHERE c.owner = 'tracer' AND cs.phone IS NOT NULL LIMIT 1`)[0]!;
    const phone = (all(db, `SELECT phone FROM cases WHERE id = ?`, open.case_id)[0]!.phone as string);
    const r = requestErasure(stores, { kind: 'phone', phone }, ADMIN, LATER);
    expect(r).toMatchObject({ ok: false, reason: 'open_conversation' });
    expect(requestErasure(stores, { kind: 'phone', phone: '+6281100000000' }, ADMIN, LATER)).toEqual({ ok: false, reason: 'nothing_found' });
    expect(all(db, `SELECT id FROM erasure_requests`)).toEqual([]);
  });
});
