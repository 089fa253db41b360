import type { PrivacyRepository, RedactionCounts, RedactionTargets } from '../../domain/repositories/privacy.js';
import type { Db } from '../client.js';
import { createSubjectQueries, FINISHED } from './privacy-subject-queries.js';
import { statementCache } from './statements.js';

// Cases that must keep their personal data at `cutoff`: changed since, or with a conversation going on or changed since.
const LIVE_CASES = `live_cases AS (
  SELECT id FROM cases WHERE updated_at > @cutoff
  UNION SELECT case_id FROM conversations WHERE case_id IS NOT NULL AND (NOT ${FINISHED} OR updated_at > @cutoff))`;
const notRedacted = (type: string, col: string) => `NOT EXISTS (SELECT 1 FROM privacy_redactions r WHERE r.entity_type = '${type}' AND r.entity_id = ${col})`;
const ids = (list: number[]) => JSON.stringify(list);

// Audit rows about these records: conversations, cases, contacts and the exposures of either.
const AUDIT_ABOUT = `(
  (entity_type = 'conversation' AND entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@conversations)))
  OR (entity_type = 'case' AND entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@cases)))
  OR (entity_type = 'contact' AND entity_id IN (SELECT CAST(value AS TEXT) FROM json_each(@contacts)))
  OR (entity_type = 'exposure' AND entity_id IN (SELECT CAST(id AS TEXT) FROM exposures
      WHERE conversation_id IN (SELECT value FROM json_each(@conversations)) OR contact_id IN (SELECT value FROM json_each(@contacts))
         OR case_id IN (SELECT value FROM json_each(@cases)))))`;
// Edited values (`old`/`new` of an answer, `changes` of a contact) are what was said; the action, actor and time stay.
const AUDIT_HAS_VALUES = `json_valid(details) AND (json_type(details, '$.old') IS NOT NULL OR json_type(details, '$.new') IS NOT NULL OR json_type(details, '$.changes') IS NOT NULL)`;

// Written twice: SQLite's JSON functions and PostgreSQL's jsonb operators (json_valid, json_type and json_extract exist on
// both: migrations/postgres defines them).
const SQLITE_AUDIT_WITHOUT_VALUES = `CASE WHEN json_type(details, '$.changes') = 'object'
  THEN json_set(json_remove(details, '$.old', '$.new', '$.changes'), '$.fields', (SELECT json_group_array(key) FROM json_each(audit_log.details, '$.changes')))
  ELSE json_remove(details, '$.old', '$.new', '$.changes') END`;
const PG_AUDIT_WITHOUT_VALUES = `CASE WHEN jsonb_typeof(details::jsonb -> 'changes') = 'object'
  THEN ((details::jsonb - 'old' - 'new' - 'changes')
    || jsonb_build_object('fields', (SELECT coalesce(jsonb_agg(k), '[]'::jsonb) FROM jsonb_object_keys(details::jsonb -> 'changes') k)))::text
  ELSE (details::jsonb - 'old' - 'new' - 'changes')::text END`;
const SQLITE_STATE_WITHOUT_ANSWERS = `json_set(state, '$.answers', json('{}'), '$.lists', json('{}'), '$.case', json('{}'), '$.collect', json('null'))`;
const PG_STATE_WITHOUT_ANSWERS = `(state::jsonb || '{"answers": {}, "lists": {}, "case": {}, "collect": null}'::jsonb)::text`;

/** Retention, subject access, erasure requests and the recurring-job rows over SQLite. */
export function createPrivacyRepository(db: Db): PrivacyRepository {
  const sql = statementCache(db);
  const pg = db.engine === 'postgres';
  const params = (t: RedactionTargets) => ({ conversations: ids(t.conversationIds), cases: ids(t.caseIds), contacts: ids(t.contactIds) });
  const column = (query: string, p: Record<string, unknown>) => (sql(query).all(p) as { id: number }[]).map((r) => r.id);
  const count = (query: string, p: Record<string, unknown>) => (sql(query).get(p) as { n: number }).n;

  const measure = (t: RedactionTargets): RedactionCounts => {
    const p = params(t);
    return {
      conversations: t.conversationIds.length,
      cases: t.caseIds.length,
      contacts: t.contactIds.length,
      messageTexts: count(
        `SELECT count(*) AS n FROM messages WHERE conversation_id IN (SELECT value FROM json_each(@conversations))
         AND (text IS NOT NULL OR payload IS NOT NULL OR error IS NOT NULL)`,
        p,
      ),
      answers: count(
        `SELECT count(*) AS n FROM answers WHERE conversation_id IN (SELECT value FROM json_each(@conversations)) OR case_id IN (SELECT value FROM json_each(@cases))`,
        p,
      ),
      places: count(`SELECT count(*) AS n FROM places_visited WHERE case_id IN (SELECT value FROM json_each(@cases))`, p),
      auditValues: count(`SELECT count(*) AS n FROM audit_log WHERE ${AUDIT_ABOUT} AND ${AUDIT_HAS_VALUES}`, p),
    };
  };

  return {
    dueForRetention: (cutoff, limit = -1) => ({
      conversationIds: column(
        `SELECT c.id FROM conversations c WHERE ${FINISHED} AND c.updated_at <= @cutoff AND ${notRedacted('conversation', 'c.id')} ORDER BY c.id LIMIT @limit`,
        { cutoff, limit },
      ),
      caseIds: column(
        `WITH ${LIVE_CASES} SELECT cs.id FROM cases cs WHERE cs.id NOT IN (SELECT id FROM live_cases) AND ${notRedacted('case', 'cs.id')} ORDER BY cs.id LIMIT @limit`,
        { cutoff, limit },
      ),
      contactIds: column(
        `WITH ${LIVE_CASES} SELECT ct.id FROM contacts ct WHERE ct.updated_at <= @cutoff AND ${notRedacted('contact', 'ct.id')}
         AND NOT EXISTS (SELECT 1 FROM exposures e WHERE e.contact_id = ct.id AND (e.case_id IN (SELECT id FROM live_cases)
             OR e.conversation_id IN (SELECT id FROM conversations WHERE NOT ${FINISHED} OR updated_at > @cutoff)))
         AND NOT EXISTS (SELECT 1 FROM cases cs WHERE cs.source_contact_id = ct.id AND cs.id IN (SELECT id FROM live_cases))
         ORDER BY ct.id LIMIT @limit`,
        { cutoff, limit },
      ),
    }),

    measure,

    redact: (t, reason, at) => {
      const before = measure(t);
      const p = { ...params(t), erase: reason === 'erasure' ? 1 : 0 };
      // Row timestamps are left alone: retention reads them, and a redaction is not a change of the case's course.
      sql(`UPDATE audit_log SET details = ${pg ? PG_AUDIT_WITHOUT_VALUES : SQLITE_AUDIT_WITHOUT_VALUES} WHERE ${AUDIT_ABOUT} AND ${AUDIT_HAS_VALUES}`).run(p);
      sql(
        `DELETE FROM inbound_pending WHERE handled_at IS NOT NULL AND channel || ':' || channel_user_id IN
           (SELECT channel || ':' || channel_user_id FROM conversations WHERE id IN (SELECT value FROM json_each(@conversations)))`,
      ).run(p);
      sql(`UPDATE messages SET text = NULL, payload = NULL, error = NULL WHERE conversation_id IN (SELECT value FROM json_each(@conversations))`).run(p);
      sql(`DELETE FROM answers WHERE conversation_id IN (SELECT value FROM json_each(@conversations)) OR case_id IN (SELECT value FROM json_each(@cases))`).run(p);
      sql(`DELETE FROM outbox WHERE conversation_id IN (SELECT value FROM json_each(@conversations))`).run(p);
      sql(`UPDATE escalations SET detail = NULL WHERE conversation_id IN (SELECT value FROM json_each(@conversations))`).run(p);
      sql(
        `UPDATE exposures SET notes = NULL WHERE conversation_id IN (SELECT value FROM json_each(@conversations))
           OR case_id IN (SELECT value FROM json_each(@cases)) OR contact_id IN (SELECT value FROM json_each(@contacts))`,
      ).run(p);
      // The engine state keeps its shape (status, step, counters) without the answers, lists and case fields it copied.
      sql(
        `UPDATE conversations SET channel_user_id = 'removed:' || id,
           state = CASE WHEN json_valid(state) THEN ${pg ? PG_STATE_WITHOUT_ANSWERS : SQLITE_STATE_WITHOUT_ANSWERS} ELSE '{}' END
         WHERE id IN (SELECT value FROM json_each(@conversations))`,
      ).run(p);
      sql(
        `UPDATE cases SET name = '', phone = NULL, date_of_birth = NULL, start_code_hash = NULL,
           external_id = CASE WHEN @erase = 1 THEN 'erased-' || id ELSE external_id END
         WHERE id IN (SELECT value FROM json_each(@cases))`,
      ).run(p);
      sql(`DELETE FROM places_visited WHERE case_id IN (SELECT value FROM json_each(@cases))`).run(p);
      // Its Telegram invite links for contacts stop working with its start code.
      sql(`DELETE FROM contact_invites WHERE case_id IN (SELECT value FROM json_each(@cases))`).run(p);
      sql(`UPDATE contacts SET name = '', phone = NULL WHERE id IN (SELECT value FROM json_each(@contacts))`).run(p);
      // Their follow-up keeps its dates and statuses (the indicators count them) without the chat address and symptom lists.
      sql(`UPDATE monitoring_enrolments SET channel_user_id = NULL WHERE contact_id IN (SELECT value FROM json_each(@contacts))`).run(p);
      sql(
        `UPDATE monitoring_checkins SET symptoms = NULL WHERE conversation_id IN (SELECT value FROM json_each(@conversations))
           OR enrolment_id IN (SELECT id FROM monitoring_enrolments WHERE contact_id IN (SELECT value FROM json_each(@contacts)))`,
      ).run(p);
      const mark = sql(
        `INSERT INTO privacy_redactions (entity_type, entity_id, reason, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (entity_type, entity_id) DO UPDATE SET reason = excluded.reason, at = excluded.at`,
      );
      for (const id of t.conversationIds) mark.run('conversation', id, reason, at);
      for (const id of t.caseIds) mark.run('case', id, reason, at);
      for (const id of t.contactIds) mark.run('contact', id, reason, at);
      return before;
    },

    ...createSubjectQueries(sql),

    scheduledJob: (name) =>
      sql(`SELECT name, due_at AS dueAt, last_run_at AS lastRunAt, last_result AS lastResult FROM scheduled_jobs WHERE name = ?`).get(name) as ReturnType<
        PrivacyRepository['scheduledJob']
      >,
    ensureScheduledJob: (name, dueAt) => void sql(`INSERT INTO scheduled_jobs (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`).run(name, dueAt),
    claimScheduledJob: (name, now, nextDueAt) => sql(`UPDATE scheduled_jobs SET due_at = ? WHERE name = ? AND due_at <= ?`).run(nextDueAt, name, now).changes === 1,
    recordScheduledRun: (name, at, result) => void sql(`UPDATE scheduled_jobs SET last_run_at = ?, last_result = ? WHERE name = ?`).run(at, result, name),

    insertErasureRequest: (r) =>
      (
        sql(
          `INSERT INTO erasure_requests (subject_hash, status, requested_by, requested_at, expires_at) VALUES (@subjectHash, 'requested', @requestedBy, @requestedAt, @expiresAt) RETURNING id`,
        ).get(r) as { id: number }
      ).id,
    erasureRequest: (id) =>
      sql(
        `SELECT id, subject_hash AS subjectHash, status, requested_by AS requestedBy, requested_at AS requestedAt, expires_at AS expiresAt,
                confirmed_by AS confirmedBy, confirmed_at AS confirmedAt, result FROM erasure_requests WHERE id = ?`,
      ).get(id) as ReturnType<PrivacyRepository['erasureRequest']>,
    finishErasureRequest: (id, status, by, at, result) =>
      sql(`UPDATE erasure_requests SET status = ?, confirmed_by = ?, confirmed_at = ?, result = ? WHERE id = ? AND status = 'requested'`).run(status, by, at, result, id)
        .changes === 1,
  };
}
