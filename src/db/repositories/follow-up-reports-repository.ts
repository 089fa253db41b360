import type { FollowUpReportRepository, FollowUpReportRow } from '../../domain/repositories/follow-up-reports.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

/** Follow-up figures over monitoring_enrolments / monitoring_checkins (read-only). */
export function createFollowUpReportRepository(db: Db): FollowUpReportRepository {
  const sql = statementCache(db);
  return {
    namedBetween: (startMs, endMs) =>
      sql(
        `SELECT elicited_at AS elicitedAt, COALESCE(notified_at, CASE WHEN call_outcome = 'reached' THEN call_done_at END) AS notifiedAt, status
         FROM monitoring_enrolments WHERE elicited_at >= ? AND elicited_at < ?`,
      ).all(startMs, endMs) as FollowUpReportRow[],
    checkInsSentBetween: (startMs, endMs) =>
      sql(`SELECT sent_at AS sentAt, answered_at AS answeredAt FROM monitoring_checkins WHERE sent_at >= ? AND sent_at < ? AND status IN ('answered', 'missed')`).all(startMs, endMs) as {
        sentAt: number;
        answeredAt: number | null;
      }[],
    casesFromContacts: (startMs, endMs) =>
      sql(`SELECT count(*) AS total, count(source_contact_id) AS fromContacts FROM cases WHERE confirmed_at >= ? AND confirmed_at < ?`).get(startMs, endMs) as {
        total: number;
        fromContacts: number;
      },
    checkInsOn: (date) => (sql(`SELECT count(*) AS n FROM monitoring_checkins WHERE date = ?`).get(date) as { n: number }).n,
    checkInsExpected: (date) =>
      (
        sql(
          `SELECT count(*) AS n FROM monitoring_enrolments
           WHERE status = 'active' AND notify_status = 'sent' AND replied_at IS NOT NULL AND last_exposure_date < ? AND last_checkin_date >= ?`,
        ).get(date, date) as { n: number }
      ).n,
  };
}
