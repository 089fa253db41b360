import type { ChannelName } from '../../domain/channel.js';
import { monitoringStage, type MonitoringStage } from '../../domain/monitoring.js';
import type { CallTask, CheckinRecord, DueCheckin, EnrolmentRecord, ExposureToEnrol, MonitoringRepository, RosterRow } from '../../domain/repositories/monitoring.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

const ENROLMENT = `e.id, e.contact_id AS contactId, e.source_case_id AS sourceCaseId, e.elicited_at AS elicitedAt,
  e.last_exposure_date AS lastExposureDate, e.quarantine_end AS quarantineEnd, e.test_dates AS testDates,
  e.last_checkin_date AS lastCheckinDate, e.status, e.notify_status AS notifyStatus, e.notify_problem AS notifyProblem,
  e.channel, e.channel_user_id AS channelUserId, e.lang, e.notified_at AS notifiedAt, e.replied_at AS repliedAt,
  e.symptomatic_at AS symptomaticAt, e.unresponsive_at AS unresponsiveAt, e.missed_in_row AS missedInRow,
  e.test_result AS testResult, e.tested_at AS testedAt, e.result_source AS resultSource, e.became_case_id AS becameCaseId,
  e.closed_at AS closedAt, e.closed_reason AS closedReason, e.call_outcome AS callOutcome, e.call_done_at AS callDoneAt,
  e.call_done_by AS callDoneBy, e.created_at AS createdAt, e.updated_at AS updatedAt`;

const CHECKIN = `id, enrolment_id AS enrolmentId, date, day, due_at AS dueAt, status, conversation_id AS conversationId,
  queued_at AS queuedAt, sent_at AS sentAt, answered_at AS answeredAt, has_symptoms AS hasSymptoms, symptoms, test_result AS testResult`;

const TO_ENROL = `SELECT x.id AS exposureId, x.case_id AS caseId, coalesce(ct.merged_into_id, x.contact_id) AS contactId,
  x.last_contact_date AS lastContactDate, x.created_at AS createdAt, cs.language AS lang
  FROM exposures x JOIN contacts ct ON ct.id = x.contact_id JOIN cases cs ON cs.id = x.case_id
  LEFT JOIN monitoring_exposures me ON me.exposure_id = x.id WHERE me.exposure_id IS NULL`;

/** SQL of each roster stage over `e` (kept in step with `monitoringStage`, which decides a single row's stage). */
const STAGE_SQL: Record<MonitoringStage, string> = {
  released: `e.status = 'released'`,
  became_case: `e.status = 'became_case'`,
  closed: `e.status = 'closed'`,
  symptomatic: `e.status = 'active' AND e.symptomatic_at IS NOT NULL`,
  unreachable: `e.status = 'active' AND e.symptomatic_at IS NULL AND e.unresponsive_at IS NOT NULL`,
  needs_call: `e.status = 'active' AND e.symptomatic_at IS NULL AND e.unresponsive_at IS NULL AND e.notify_status = 'needs_call' AND coalesce(e.call_outcome, '') <> 'reached'`,
  enrolled: `e.status = 'active' AND e.symptomatic_at IS NULL AND e.unresponsive_at IS NULL AND e.notify_status IN ('pending', 'queued')`,
  notified: `e.status = 'active' AND e.symptomatic_at IS NULL AND e.unresponsive_at IS NULL AND e.notify_status = 'sent' AND e.replied_at IS NULL`,
  monitoring: `e.status = 'active' AND e.symptomatic_at IS NULL AND e.unresponsive_at IS NULL AND ((e.notify_status = 'sent' AND e.replied_at IS NOT NULL) OR (e.notify_status = 'needs_call' AND e.call_outcome = 'reached'))`,
};

/** The stage of `e` as one SQL expression (the stages above are exclusive), for counting every stage in one scan. */
const STAGE_CASE = `CASE ${Object.entries(STAGE_SQL)
  .map(([stage, where]) => `WHEN ${where} THEN '${stage}'`)
  .join(' ')} END`;

type Row = Omit<EnrolmentRecord, 'testDates'> & { testDates: string };
const enrolment = (r: Row | undefined): EnrolmentRecord | undefined => (r ? { ...r, testDates: JSON.parse(r.testDates) as string[] } : undefined);
type CheckinRow = Omit<CheckinRecord, 'symptoms' | 'hasSymptoms'> & { symptoms: string | null; hasSymptoms: number | null };
const checkin = (r: CheckinRow | undefined): CheckinRecord | undefined =>
  r ? { ...r, hasSymptoms: r.hasSymptoms === null ? null : r.hasSymptoms === 1, symptoms: r.symptoms === null ? null : (JSON.parse(r.symptoms) as string[]) } : undefined;

/** Monitoring records, exposures enrolled and check-ins over SQLite (issue 16); statements prepared once. */
export function createMonitoringRepository(db: Db): MonitoringRepository {
  const sql = statementCache(db);
  const one = (where: string, ...args: unknown[]) => enrolment(sql(`SELECT ${ENROLMENT} FROM monitoring_enrolments e WHERE ${where} LIMIT 1`).get(...args) as Row | undefined);
    // Parameters bind in text order: those of SET, then of the extra condition, then the id.
  const touch = (set: string, where: string) => (id: number, ...args: unknown[]) => sql(`UPDATE monitoring_enrolments SET ${set} WHERE 1 ${where} AND id = ?`).run(...args, id).changes > 0;
  return {
    byId: (id) => one('e.id = ?', id),
    byContact: (contactId) => one(`e.contact_id = ? ORDER BY (e.status = 'active') DESC, e.id DESC`, contactId),
    activeByContact: (contactId) => one(`e.contact_id = ? AND e.status = 'active'`, contactId),
    byChat: (channel: ChannelName, userId: string) => one('e.channel = ? AND e.channel_user_id = ? ORDER BY e.id DESC', channel, userId),
    insert: (e) =>
      (
        sql(
          `INSERT INTO monitoring_enrolments (contact_id, source_case_id, elicited_at, last_exposure_date, quarantine_end, test_dates,
             last_checkin_date, lang, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        ).get(e.contactId, e.sourceCaseId, e.elicitedAt, e.period.lastExposureDate, e.period.quarantineEnd, JSON.stringify(e.period.testDates), e.period.lastCheckinDate, e.lang, e.now, e.now) as {
          id: number;
        }
      ).id,
    extend: (id, p, sourceCaseId, now) =>
      void sql(
        `UPDATE monitoring_enrolments SET last_exposure_date = ?, quarantine_end = ?, test_dates = ?, last_checkin_date = ?, source_case_id = ?, updated_at = ? WHERE id = ?`,
      ).run(p.lastExposureDate, p.quarantineEnd, JSON.stringify(p.testDates), p.lastCheckinDate, sourceCaseId, now, id),
    linkExposure: (exposureId, enrolmentId, now) =>
      sql(`INSERT OR IGNORE INTO monitoring_exposures (exposure_id, enrolment_id, created_at) VALUES (?, ?, ?)`).run(exposureId, enrolmentId, now).changes > 0,
    exposureToEnrol: (exposureId) => sql(`${TO_ENROL} AND x.id = ?`).get(exposureId) as ExposureToEnrol | undefined,
    exposureToEnrolBySource: (sourceKey) => sql(`${TO_ENROL} AND x.source_key = ?`).get(sourceKey) as ExposureToEnrol | undefined,
    // Exposures arrive in id order, give or take the events in flight: looking behind the newest enrolled one by a margin
    // finds late ones without scanning the whole table every tick.
    unenrolledExposures: (limit) =>
      sql(`${TO_ENROL} AND x.id > coalesce((SELECT max(exposure_id) FROM monitoring_exposures), 0) - 5000 ORDER BY x.id LIMIT ?`).all(limit) as ExposureToEnrol[],
    pendingNotifications: (before, limit) =>
      (sql(`SELECT id FROM monitoring_enrolments WHERE status = 'active' AND notify_status = 'pending' AND created_at < ? ORDER BY id LIMIT ?`).all(before, limit) as { id: number }[]).map((r) => r.id),
    contact: (contactId) => sql(`SELECT id, name, phone, area FROM contacts WHERE id = ?`).get(contactId) as ReturnType<MonitoringRepository['contact']>,
    outreachTarget: (id) =>
      sql(`SELECT e.status, e.notify_status AS notifyStatus, ct.phone FROM monitoring_enrolments e JOIN contacts ct ON ct.id = e.contact_id WHERE e.id = ?`).get(id) as
        | ReturnType<MonitoringRepository['outreachTarget']>
        | undefined,
    markQueued: (id, channel, userId, now) =>
      void sql(
        `UPDATE monitoring_enrolments SET notify_status = CASE WHEN notify_status = 'sent' THEN 'sent' ELSE 'queued' END, channel = ?, channel_user_id = ?, updated_at = ? WHERE id = ?`,
      ).run(channel, userId, now, id),
    markNotified: (id, now) => touch(`notify_status = 'sent', notify_problem = NULL, notified_at = coalesce(notified_at, ?), updated_at = ?`, `AND notify_status <> 'sent'`)(id, now, now),
    markNeedsCall: (id, problem, now) => touch(`notify_status = 'needs_call', notify_problem = ?, updated_at = ?`, `AND notify_status IN ('pending', 'queued')`)(id, problem, now),
    markReplied: (id, now) => void touch(`replied_at = ?, updated_at = ?`, 'AND replied_at IS NULL')(id, now, now),
    markSymptomatic: (id, now) => touch(`symptomatic_at = ?, updated_at = ?`, 'AND symptomatic_at IS NULL')(id, now, now),
    markUnresponsive: (id, now) => void touch(`unresponsive_at = ?, updated_at = ?`, 'AND unresponsive_at IS NULL')(id, now, now),
    recordResult: (id, r, now) =>
      touch(`test_result = ?, tested_at = ?, result_source = ?, updated_at = ?`, `AND NOT (coalesce(test_result, '') = ? AND coalesce(tested_at, '') = ?)`)(
        id,
        r.result,
        r.testedAt,
        r.source,
        now,
        r.result,
        r.testedAt,
      ),
    close: (id, c, now) =>
      touch(`status = ?, closed_reason = ?, became_case_id = ?, closed_at = ?, updated_at = ?`, `AND status = 'active'`)(id, c.status, c.reason, c.becameCaseId ?? null, now, now),
    recordCallOutcome: (id, outcome, userId, now) => touch(`call_outcome = ?, call_done_by = ?, call_done_at = ?, updated_at = ?`, '')(id, outcome, userId, now, now),
    callTasks: (limit) =>
      sql(
        `SELECT e.id AS enrolmentId, e.contact_id AS contactId, ct.name, ct.phone, ct.area, e.notify_problem AS problem,
           e.source_case_id AS sourceCaseId, cs.external_id AS sourceCaseExternalId, e.quarantine_end AS quarantineEnd, e.elicited_at AS elicitedAt,
           e.call_outcome AS callOutcome, e.call_done_at AS callDoneAt
         FROM monitoring_enrolments e JOIN contacts ct ON ct.id = e.contact_id LEFT JOIN cases cs ON cs.id = e.source_case_id
         WHERE e.status = 'active' AND e.notify_status = 'needs_call' AND (e.call_outcome IS NULL OR e.call_outcome = 'not_reached')
         ORDER BY e.call_done_at IS NOT NULL, coalesce(e.call_done_at, e.elicited_at), e.id LIMIT ?`,
      ).all(limit) as CallTask[],
    stageCounts: (closedSince) =>
      sql(
        `SELECT ct.area AS area, ${STAGE_CASE} AS stage, count(*) AS n
         FROM monitoring_enrolments e JOIN contacts ct ON ct.id = e.contact_id
         WHERE e.status = 'active' OR e.closed_at >= ? GROUP BY 1, 2 ORDER BY 1, 2`,
      ).all(closedSince) as ReturnType<MonitoringRepository['stageCounts']>,
    roster: (f) => {
      const where = `${f.stage ? STAGE_SQL[f.stage] : '1'} AND (? IS NULL OR ct.area = ?) AND (? IS NULL OR e.status = 'active' OR e.closed_at >= ?)`;
      const from = `FROM monitoring_enrolments e JOIN contacts ct ON ct.id = e.contact_id WHERE ${where}`;
      const args = [f.area ?? null, f.area ?? null, f.closedSince ?? null, f.closedSince ?? null];
      const total = (sql(`SELECT count(*) AS n ${from}`).get(...args) as { n: number }).n;
      const rows = sql(`SELECT ${ENROLMENT}, ct.name AS rName, ct.phone AS rPhone, ct.area AS rArea ${from} ORDER BY e.id DESC LIMIT ? OFFSET ?`).all(
        ...args,
        f.limit,
        f.offset,
      ) as (Row & { rName: string; rPhone: string | null; rArea: string | null })[];
      return {
        total,
        rows: rows.map(({ rName, rPhone, rArea, ...r }): RosterRow => {
          const e = enrolment(r)!;
          return { enrolment: e, stage: monitoringStage(e), name: rName, phone: rPhone, area: rArea };
        }),
      };
    },
    toRelease: (date, limit) =>
      (sql(`SELECT id FROM monitoring_enrolments WHERE status = 'active' AND last_checkin_date < ? ORDER BY id LIMIT ?`).all(date, limit) as { id: number }[]).map((r) => r.id),

    planDay: (date, dueAt, dayStart, now) =>
      sql(
        `INSERT OR IGNORE INTO monitoring_checkins (enrolment_id, date, day, due_at, status, created_at)
         SELECT id, ?, CAST(julianday(?) - julianday(last_exposure_date) AS INTEGER), ?, 'planned', ?
         FROM monitoring_enrolments
         WHERE status = 'active' AND notify_status = 'sent' AND replied_at IS NOT NULL AND notified_at < ? AND last_exposure_date < ? AND last_checkin_date >= ?`,
      ).run(date, date, dueAt, now, dayStart, date, date).changes,
    markMissedBefore: (date, misses, now) => {
      sql(
        `UPDATE monitoring_enrolments SET missed_in_row = missed_in_row + 1, updated_at = ?
         WHERE id IN (SELECT enrolment_id FROM monitoring_checkins WHERE status = 'sent' AND date < ?)`,
      ).run(now, date);
      const missed = sql(`UPDATE monitoring_checkins SET status = 'missed' WHERE status = 'sent' AND date < ?`).run(date).changes;
      sql(`UPDATE monitoring_checkins SET status = 'skipped' WHERE status IN ('planned', 'queued') AND date < ?`).run(date);
      const unresponsive = (
        sql(`SELECT id FROM monitoring_enrolments WHERE status = 'active' AND missed_in_row >= ? AND unresponsive_at IS NULL ORDER BY id`).all(misses) as { id: number }[]
      ).map((r) => r.id);
      return { missed, unresponsive };
    },
    dueCheckins: (at, requeueBefore, limit) =>
      sql(
        `SELECT k.id AS checkinId, k.enrolment_id AS enrolmentId, e.channel, e.channel_user_id AS channelUserId
         FROM monitoring_checkins k JOIN monitoring_enrolments e ON e.id = k.enrolment_id
         WHERE (k.status = 'planned' OR (k.status = 'queued' AND k.queued_at < ?)) AND k.due_at <= ? AND e.status = 'active' AND e.channel IS NOT NULL
         ORDER BY k.due_at, k.id LIMIT ?`,
      ).all(requeueBefore, at, limit) as DueCheckin[],
    markCheckinQueued: (id, now) => void sql(`UPDATE monitoring_checkins SET status = 'queued', queued_at = ? WHERE id = ? AND status IN ('planned', 'queued')`).run(now, id),
    checkinById: (id) => checkin(sql(`SELECT ${CHECKIN} FROM monitoring_checkins WHERE id = ?`).get(id) as CheckinRow | undefined),
    checkinByConversation: (conversationId) =>
      checkin(sql(`SELECT ${CHECKIN} FROM monitoring_checkins WHERE conversation_id = ? ORDER BY id DESC LIMIT 1`).get(conversationId) as CheckinRow | undefined),
    startCheckin: (id, conversationId, now) =>
      sql(`UPDATE monitoring_checkins SET status = 'sent', conversation_id = ?, sent_at = ? WHERE id = ? AND status IN ('planned', 'queued')`).run(conversationId, now, id).changes > 0,
    skipCheckin: (id, now) => void sql(`UPDATE monitoring_checkins SET status = 'skipped', queued_at = coalesce(queued_at, ?) WHERE id = ? AND status IN ('planned', 'queued')`).run(now, id),
    answerCheckin: (id, a, now) => {
      const changed =
        sql(`UPDATE monitoring_checkins SET status = 'answered', answered_at = ?, has_symptoms = ?, symptoms = ?, test_result = ? WHERE id = ? AND status IN ('sent', 'missed')`).run(
          now,
          a.hasSymptoms === null ? null : a.hasSymptoms ? 1 : 0,
          a.symptoms === null ? null : JSON.stringify(a.symptoms),
          a.testResult,
          id,
        ).changes > 0;
      if (changed) sql(`UPDATE monitoring_enrolments SET missed_in_row = 0, updated_at = ? WHERE id = (SELECT enrolment_id FROM monitoring_checkins WHERE id = ?)`).run(now, id);
      return changed;
    },
    checkins: (enrolmentId) => (sql(`SELECT ${CHECKIN} FROM monitoring_checkins WHERE enrolment_id = ? ORDER BY date`).all(enrolmentId) as CheckinRow[]).map((r) => checkin(r)!),

    getSetting: (key) => (sql(`SELECT value FROM settings WHERE key = ?`).get(key) as { value: string } | undefined)?.value,
    putSetting: (key, value, userId, now) =>
      void sql(
        `INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      ).run(key, value, userId, now),
  };
}
