import type { ChainExposureRow, DashboardCaseRow, EscalationListItem, ExportRow, ReportRepository } from '../../domain/repositories/reports.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

/** Dashboard, chain and export reads over SQLite. */
export function createReportRepository(db: Db): ReportRepository {
  const sql = statementCache(db);
  return {
    listEscalations: (status, limit) =>
      sql(
        `SELECT e.id, e.conversation_id AS conversationId, c.case_id AS caseId, c.channel, e.reason, e.priority, e.status, e.assignee_id AS assigneeId,
              e.waiting_since AS waitingSince, e.claimed_at AS claimedAt, e.resolved_at AS resolvedAt, e.outcome
       FROM escalations e JOIN conversations c ON c.id = e.conversation_id
       WHERE (? IS NULL OR e.status = ?)
       ORDER BY CASE e.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, e.waiting_since LIMIT ?`,
      ).all(status ?? null, status ?? null, limit) as EscalationListItem[],
    casesConfirmed: (startMs, endMs) =>
      sql(
        `SELECT cs.id, cs.confirmed_at AS confirmedAt, cs.first_reached_at AS reachedAt, cs.interview_completed_at AS completedAt, cs.status,
              (SELECT count(*) FROM exposures e WHERE e.case_id = cs.id) AS contacts
       FROM cases cs WHERE cs.confirmed_at >= ? AND cs.confirmed_at < ?`,
      ).all(startMs, endMs) as DashboardCaseRow[],
    escalationQueue: () =>
      sql(`SELECT status, assignee_id AS assigneeId, waiting_since AS waitingSince FROM escalations WHERE status IN ('open', 'pending')`).all() as ReturnType<
        ReportRepository['escalationQueue']
      >,
    escalationsRaised: (startMs, endMs) => sql(`SELECT created_at AS at FROM escalations WHERE created_at >= ? AND created_at < ?`).all(startMs, endMs) as { at: number }[],
    escalationsResolved: (startMs, endMs) =>
      sql(`SELECT assignee_id AS assigneeId FROM escalations WHERE status = 'resolved' AND resolved_at >= ? AND resolved_at < ?`).all(startMs, endMs) as {
        assigneeId: number | null;
      }[],
    exposuresRecorded: (startMs, endMs) => sql(`SELECT created_at AS at FROM exposures WHERE created_at >= ? AND created_at < ?`).all(startMs, endMs) as { at: number }[],
    users: () => sql(`SELECT id, name, role, active FROM users ORDER BY name, id`).all() as ReturnType<ReportRepository['users']>,

    chainExposures: () =>
      sql(
        `SELECT e.case_id AS caseId, e.contact_id AS contactId, e.setting, e.last_contact_date AS lastContactDate
       FROM exposures e JOIN contacts ct ON ct.id = e.contact_id WHERE ct.merged_into_id IS NULL ORDER BY e.id`,
      ).all() as ChainExposureRow[],
    becameCase: () =>
      sql(`SELECT id AS caseId, source_contact_id AS contactId FROM cases WHERE source_contact_id IS NOT NULL ORDER BY id`).all() as { caseId: number; contactId: number }[],
    caseExists: (id) => sql(`SELECT 1 FROM cases WHERE id = ?`).get(id) !== undefined,
    chainCases: (ids) =>
      sql(`SELECT id, external_id AS externalId, name, status, area, confirmed_at AS confirmedAt FROM cases WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).all(
        JSON.stringify(ids),
      ) as ReturnType<ReportRepository['chainCases']>,
    chainContacts: (ids) =>
      sql(`SELECT id, name, phone, area FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).all(JSON.stringify(ids)) as ReturnType<
        ReportRepository['chainContacts']
      >,

    exportCases: (fromMs, toMs) =>
      sql(
        `SELECT cs.id AS case_id, cs.external_id, cs.name, cs.phone, cs.date_of_birth, cs.language, cs.area, cs.test_date, cs.confirmed_at, cs.status,
              cs.first_reached_at, cs.interview_completed_at, (SELECT count(*) FROM exposures e WHERE e.case_id = cs.id) AS contacts_named, cs.source_contact_id
       FROM cases cs WHERE cs.confirmed_at >= ? AND cs.confirmed_at < ? ORDER BY cs.id`,
      ).all(fromMs, toMs) as ExportRow[],
    exportContacts: () =>
      sql(
        `SELECT ct.id AS contact_id, ct.name, ct.phone, ct.area, ct.has_symptoms, count(e.id) AS exposures, max(e.last_contact_date) AS last_contact_date,
              NULL AS quarantine_until, (SELECT min(cs.id) FROM cases cs WHERE cs.source_contact_id = ct.id) AS became_case_id
       FROM contacts ct LEFT JOIN exposures e ON e.contact_id = ct.id
       WHERE ct.merged_into_id IS NULL GROUP BY ct.id ORDER BY ct.id`,
      ).all() as ExportRow[],
    exportExposures: () =>
      sql(
        `SELECT e.id AS exposure_id, e.case_id, cs.external_id AS case_external_id, e.contact_id, ct.name AS contact_name, ct.phone AS contact_phone,
              e.setting, e.last_contact_date, e.has_symptoms, e.created_at AS recorded_at
       FROM exposures e JOIN cases cs ON cs.id = e.case_id JOIN contacts ct ON ct.id = e.contact_id ORDER BY e.id`,
      ).all() as ExportRow[],
  };
}
