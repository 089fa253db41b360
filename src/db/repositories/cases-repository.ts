import { inArray } from 'drizzle-orm';
import type { CaseListItem, CaseRecord, CasesRepository, CaseSummary } from '../../domain/repositories/cases.js';
import { schema, type Db } from '../client.js';
import { statementCache } from './statements.js';

/** The case-number lookups of an import are chunked below SQLite's variable limit. */
const CHUNK = 500;

const COLUMNS = `id, external_id AS externalId, name, phone, date_of_birth AS dateOfBirth, language, area, test_date AS testDate,
  confirmed_at AS confirmedAt, status, start_code_hash AS startCodeHash, start_code_expires_at AS startCodeExpiresAt,
  start_code_used_at AS startCodeUsedAt, source_contact_id AS sourceContactId, interview_completed_at AS interviewCompletedAt,
  first_reached_at AS firstReachedAt, created_at AS createdAt, updated_at AS updatedAt`;

/** Cases over SQLite; statements prepared once. */
export function createCasesRepository(db: Db): CasesRepository {
  const c = db.$client;
  const sql = statementCache(db);
  // --- core: the message pipeline's lookups and updates ---
  const byId = c.prepare(`SELECT ${COLUMNS} FROM cases WHERE id = ?`);
  const byCode = c.prepare(`SELECT ${COLUMNS} FROM cases WHERE start_code_hash = ?`);
  const byPhone = c.prepare(
    `SELECT ${COLUMNS} FROM cases WHERE phone = ? AND status IN ('new', 'contacting', 'interviewing', 'needs_call') ORDER BY confirmed_at DESC LIMIT 1`,
  );
  const byIdentity = c.prepare(
    `SELECT id FROM cases WHERE lower(external_id) = lower(?) AND date_of_birth = ? AND status <> 'opted_out' ORDER BY id DESC LIMIT 1`,
  );
  const useCode = c.prepare(`UPDATE cases SET start_code_used_at = ?, updated_at = ? WHERE id = ? AND start_code_used_at IS NULL`);
  const reached = c.prepare(
    `UPDATE cases SET first_reached_at = COALESCE(first_reached_at, @now),
       status = CASE WHEN status IN ('new', 'contacting', 'needs_call') THEN 'interviewing' ELSE status END, updated_at = @now WHERE id = @id`,
  );
  const completed = c.prepare(
    `UPDATE cases SET status = 'completed', interview_completed_at = COALESCE(interview_completed_at, @now), updated_at = @now WHERE id = @id`,
  );
  const status = c.prepare(`UPDATE cases SET status = @status, updated_at = @now WHERE id = @id`);
  const unreachable = c.prepare(`UPDATE cases SET status = 'unreachable', updated_at = ? WHERE id = ? AND status NOT IN ('completed', 'opted_out')`);
  const outreachAsked = c.prepare(`UPDATE cases SET outreach_requested_at = ? WHERE id IN (SELECT value FROM json_each(?))`);
  const outreachPending = c.prepare(
    `SELECT id, outreach_requested_at AS outreachRequestedAt FROM cases
     WHERE status = 'new' AND outreach_requested_at IS NOT NULL AND outreach_requested_at < ? AND phone IS NOT NULL ORDER BY id LIMIT ?`,
  );
  const needsCall = c.prepare(`UPDATE cases SET status = 'needs_call', updated_at = ? WHERE id = ? AND status IN ('new', 'contacting')`);
  // The audit row of a given-up outreach (system actor; reason code and job id only), written with the status change.
  const auditGiveUp = c.prepare(
    `INSERT INTO audit_log (at, actor_kind, action, entity_type, entity_id, details) VALUES (?, 'system', 'case.outreach_failed', 'case', ?, ?)`,
  );
  const giveUp = c.transaction((id: number, now: number, why: { reason: string; jobId: string }): boolean => {
    if (needsCall.run(now, id).changes === 0) return false;
    auditGiveUp.run(now, String(id), JSON.stringify(why));
    return true;
  });
  return {
    byId: (id) => byId.get(id) as CaseRecord | undefined,
    byStartCodeHash: (hash) => byCode.get(hash) as CaseRecord | undefined,
    activeByPhone: (phone) => byPhone.get(phone) as CaseRecord | undefined,
    idByIdentity: (externalId, dob) => (byIdentity.get(externalId, dob) as { id: number } | undefined)?.id,
    useStartCode: (id, now) => useCode.run(now, now, id).changes === 1,
    markReached: (id, now) => {
      reached.run({ id, now });
    },
    markCompleted: (id, now) => {
      completed.run({ id, now });
    },
    setStatus: (id, s, now) => {
      status.run({ id, status: s, now });
    },
    markUnreachable: (id, now) => {
      unreachable.run(now, id);
    },
    markOutreachRequested: (ids, minute) => {
      if (ids.length) outreachAsked.run(minute, JSON.stringify(ids));
    },
    pendingOutreach: (before, limit) => outreachPending.all(before, limit) as { id: number; outreachRequestedAt: number }[],
    markNeedsCall: (id, now, why) => (why ? giveUp(id, now, why) : needsCall.run(now, id).changes === 1),
    // --- data: case records, imports, case page and API reads ---
    idsByExternalId(externalIds) {
      const out = new Map<string, number>();
      for (let i = 0; i < externalIds.length; i += CHUNK) {
        const chunk = externalIds.slice(i, i + CHUNK);
        for (const r of db
          .select({ id: schema.cases.id, externalId: schema.cases.externalId })
          .from(schema.cases)
          .where(inArray(schema.cases.externalId, [...chunk]))
          .all())
          out.set(r.externalId, r.id);
      }
      return out;
    },
    activeContactIdByPhone: (phone) => (sql(`SELECT id FROM contacts WHERE phone = ? AND merged_into_id IS NULL`).get(phone) as { id: number } | undefined)?.id,
    insert: (c) =>
      (
        sql(
          `INSERT INTO cases (external_id, name, phone, date_of_birth, test_date, confirmed_at, language, area, source_contact_id,
         start_code_hash, start_code_expires_at, created_at, updated_at)
       VALUES (@externalId, @name, @phone, @dateOfBirth, @testDate, @confirmedAt, @language, @area, @sourceContactId,
         @startCodeHash, @startCodeExpiresAt, @now, @now) RETURNING id`,
        ).get(c) as { id: number }
      ).id,
    replaceStartCode: (caseId, hash, expiresAt, now) =>
      sql(`UPDATE cases SET start_code_hash = ?, start_code_expires_at = ?, start_code_used_at = NULL, updated_at = ? WHERE id = ?`).run(hash, expiresAt, now, caseId)
        .changes > 0,
    findIdByRef(ref) {
      const row = (/^\d+$/.test(ref)
        ? sql(`SELECT id FROM cases WHERE id = ? OR external_id = ? ORDER BY (id = ?) DESC LIMIT 1`).get(Number(ref), ref, Number(ref))
        : sql(`SELECT id FROM cases WHERE external_id = ?`).get(ref)) as { id: number } | undefined;
      return row?.id;
    },
    summary: (id) =>
      sql(
        `SELECT id, external_id AS externalId, name, phone, date_of_birth AS dateOfBirth, language, area, test_date AS testDate,
              confirmed_at AS confirmedAt, status, first_reached_at AS firstReachedAt, interview_completed_at AS interviewCompletedAt,
              source_contact_id AS sourceContactId
       FROM cases WHERE id = ?`,
      ).get(id) as CaseSummary | undefined,
    conversationsOf: (caseId) =>
      sql(
        `SELECT id, channel, flow_id AS flowId, flow_version AS flowVersion, step_id AS stepId, owner, closed_reason AS closedReason, created_at AS createdAt FROM conversations WHERE case_id = ? ORDER BY id`,
      ).all(caseId) as ReturnType<CasesRepository['conversationsOf']>,
    answersOf: (caseId) => sql(`SELECT key, value FROM answers WHERE case_id = ? ORDER BY id`).all(caseId) as { key: string; value: string }[],
    contactsOf: (caseId) =>
      sql(
        `SELECT ct.id AS contactId, ct.name, ct.phone, e.setting, e.last_contact_date AS lastContactDate, e.has_symptoms AS hasSymptoms
       FROM exposures e JOIN contacts ct ON ct.id = e.contact_id WHERE e.case_id = ? ORDER BY e.id`,
      ).all(caseId) as ReturnType<CasesRepository['contactsOf']>,
    transcriptOf: (conversationIds) =>
      conversationIds.length
        ? (sql(
            `SELECT id, conversation_id AS conversationId, direction, sender, kind, text, status, created_at AS createdAt FROM messages
           WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
          ).all(JSON.stringify(conversationIds)) as ReturnType<CasesRepository['transcriptOf']>)
        : [],
    listRecent(q) {
      const like = q.search ? `%${q.search.trim().toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%` : null;
      return sql(
        `SELECT cs.id, cs.external_id AS externalId, cs.name, cs.area, cs.status, cs.confirmed_at AS confirmedAt, cs.first_reached_at AS firstReachedAt,
              cs.interview_completed_at AS interviewCompletedAt, (SELECT count(*) FROM exposures e WHERE e.case_id = cs.id) AS contacts
       FROM cases cs
       WHERE (? IS NULL OR cs.status = ?) AND (? IS NULL OR lower(cs.name) LIKE ? ESCAPE '\\' OR lower(cs.external_id) LIKE ? ESCAPE '\\')
       ORDER BY cs.confirmed_at DESC, cs.id DESC LIMIT 300`,
      ).all(q.status ?? null, q.status ?? null, like, like, like) as CaseListItem[];
    },
    count: () => (sql(`SELECT count(*) AS n FROM cases`).get() as { n: number }).n,
    // --- end data ---
  };
}
