import type { Db } from '../../../src/db/index.js';
import { addDays } from '../../../src/domain/monitoring.js';
import { insertCase, insertContact } from './support.js';

/** The follow-up indicators' hand-computed fixture, shared by the service test and the browser test. */

const at = (iso: string) => Date.parse(iso);
const H = 3_600_000;
export const FOLLOW_UP_NOW = at('2026-03-09T12:00:00Z'); // 19:00 in Jakarta

/** Insert a monitoring record with exact times; returns its id. */
export function insertEnrolment(
  db: Db,
  e: {
    contactId: number;
    sourceCaseId?: number | null;
    elicitedAt: number;
    lastExposureDate?: string;
    quarantineEnd?: string;
    status?: 'active' | 'released' | 'became_case' | 'closed';
    notifyStatus?: 'pending' | 'queued' | 'sent' | 'needs_call';
    notifyProblem?: string | null;
    notifiedAt?: number | null;
    repliedAt?: number | null;
    symptomaticAt?: number | null;
    unresponsiveAt?: number | null;
    callOutcome?: 'reached' | 'not_reached' | 'wrong_number' | null;
    callDoneAt?: number | null;
    becameCaseId?: number | null;
    closedAt?: number | null;
    channel?: 'fake' | 'whatsapp' | null;
    channelUserId?: string | null;
  },
): number {
  const last = e.lastExposureDate ?? '2026-03-07';
  const end = e.quarantineEnd ?? '2026-03-12';
  return (
    db.$client
      .prepare(
        `INSERT INTO monitoring_enrolments (contact_id, source_case_id, elicited_at, last_exposure_date, quarantine_end, test_dates, last_checkin_date, status,
           notify_status, notify_problem, notified_at, replied_at, symptomatic_at, unresponsive_at, call_outcome, call_done_at, became_case_id, closed_at, channel, channel_user_id,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        e.contactId,
        e.sourceCaseId ?? null,
        e.elicitedAt,
        last,
        end,
        JSON.stringify([addDays(last, 1), end]),
        end,
        e.status ?? 'active',
        e.notifyStatus ?? (e.notifiedAt ? 'sent' : 'pending'),
        e.notifyProblem ?? null,
        e.notifiedAt ?? null,
        e.repliedAt ?? null,
        e.symptomaticAt ?? null,
        e.unresponsiveAt ?? null,
        e.callOutcome ?? null,
        e.callDoneAt ?? null,
        e.becameCaseId ?? null,
        e.closedAt ?? null,
        e.channel ?? null,
        e.channelUserId ?? null,
        e.elicitedAt,
        e.elicitedAt,
      ) as { id: number }
  ).id;
}

/** Insert a check-in; returns its id. */
export function insertCheckin(
  db: Db,
  k: { enrolmentId: number; date: string; day: number; sentAt?: number | null; answeredAt?: number | null; status?: string; hasSymptoms?: boolean | null; symptoms?: string[] | null; testResult?: string | null },
): number {
  const status = k.status ?? (k.answeredAt ? 'answered' : k.sentAt ? 'sent' : 'planned');
  return (
    db.$client
      .prepare(
        `INSERT INTO monitoring_checkins (enrolment_id, date, day, due_at, status, sent_at, answered_at, has_symptoms, symptoms, test_result, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        k.enrolmentId,
        k.date,
        k.day,
        k.sentAt ?? 0,
        status,
        k.sentAt ?? null,
        k.answeredAt ?? null,
        k.hasSymptoms === undefined || k.hasSymptoms === null ? null : k.hasSymptoms ? 1 : 0,
        k.symptoms ? JSON.stringify(k.symptoms) : null,
        k.testResult ?? null,
        k.sentAt ?? 0,
      ) as { id: number }
  ).id;
}

/**
 * Hand-computed (Jakarta = UTC+7; range 8-9 March local = [7 Mar 17:00Z, 9 Mar 17:00Z), now 9 Mar 12:00Z):
 * contacts named in range E1..E6 (E7 just before, E8 just after):
 *   E1 told after 0.5 h, released · E2 told after 10 h, became case X · E3 told after 30 h, active ·
 *   E4 no phone, a tracer reached them after 2 h, then closed (lost) · E5 no phone, never reached (31 h) · E6 named 6 h ago, not told.
 * Told within 24 h: E1, E2, E4 of the 5 whose 24 h have passed or who were told (E6 not yet counted) = 60%;
 * median hours over E1 0.5, E2 10, E3 30, E4 2 = (2 + 10) / 2 = 6.
 * Check-ins sent in range: K1 answered, K2 answered, K3 missed = 2 of 3 (K4 sent before the range; K5 still open).
 * Follow-up ended (released or lost): E1 released, E4 lost = 1 of 2. Became cases: E2 = 1 of 6.
 * Cases confirmed in range: A, B, X (from E2's contact), D = 1 of 4 already known contacts (Z, also a contact, is after the range).
 */
export function followUpFixture(db: Db) {
  const a = insertCase(db, { externalId: 'A', phone: '+6281299990000', confirmedAt: at('2026-03-08T00:00:00Z') });
  insertCase(db, { externalId: 'B', confirmedAt: at('2026-03-08T05:00:00Z') });
  insertCase(db, { externalId: 'D', confirmedAt: at('2026-03-09T16:00:00Z') });
  const k = (name: string, area: string, phone: string | null) => insertContact(db, { name, area, phone });
  const c1 = k('Rina Lestari', 'Tebet, Jakarta Selatan', '+6281200000001');
  const c2 = k('Agus Wijaya', 'Tebet, Jakarta Selatan', '+6281200000002');
  const c3 = k('Dewi Saputra', 'Cakung, Jakarta Timur', '+6281200000003');
  const c4 = k('Joko Hidayat', 'Cakung, Jakarta Timur', null);
  const c5 = k('Sri Utami', 'Tebet, Jakarta Selatan', null);
  const c6 = k('Bayu Halim', 'Koja, Jakarta Utara', '+6281200000006');
  const c7 = k('Maya Siregar', 'Koja, Jakarta Utara', '+6281200000007');
  const c8 = k('Fajar Tanjung', 'Koja, Jakarta Utara', '+6281200000008');
  const x = insertCase(db, { externalId: 'X', confirmedAt: at('2026-03-09T03:00:00Z'), sourceContactId: c2 });
  insertCase(db, { externalId: 'Z', confirmedAt: at('2026-03-09T18:00:00Z'), sourceContactId: c8 });

  const e1 = insertEnrolment(db, { contactId: c1, sourceCaseId: a, elicitedAt: at('2026-03-08T01:00:00Z'), notifiedAt: at('2026-03-08T01:30:00Z'), repliedAt: at('2026-03-08T01:40:00Z'), status: 'released', closedAt: at('2026-03-09T02:00:00Z'), channel: 'fake', channelUserId: '+6281200000001' });
  insertEnrolment(db, { contactId: c2, sourceCaseId: a, elicitedAt: at('2026-03-08T02:00:00Z'), notifiedAt: at('2026-03-08T12:00:00Z'), repliedAt: at('2026-03-08T12:10:00Z'), status: 'became_case', becameCaseId: x, closedAt: at('2026-03-09T03:00:00Z') });
  const e3 = insertEnrolment(db, { contactId: c3, sourceCaseId: a, elicitedAt: at('2026-03-08T03:00:00Z'), notifiedAt: at('2026-03-09T09:00:00Z'), repliedAt: at('2026-03-09T09:05:00Z'), symptomaticAt: at('2026-03-09T09:06:00Z'), channel: 'fake', channelUserId: '+6281200000003' });
  insertEnrolment(db, { contactId: c4, sourceCaseId: a, elicitedAt: at('2026-03-08T04:00:00Z'), notifyStatus: 'needs_call', notifyProblem: 'no_phone', callOutcome: 'reached', callDoneAt: at('2026-03-08T06:00:00Z'), status: 'closed', closedAt: at('2026-03-08T20:00:00Z') });
  insertEnrolment(db, { contactId: c5, sourceCaseId: a, elicitedAt: at('2026-03-08T05:00:00Z'), notifyStatus: 'needs_call', notifyProblem: 'no_phone' });
  insertEnrolment(db, { contactId: c6, sourceCaseId: a, elicitedAt: FOLLOW_UP_NOW - 6 * H, lastExposureDate: '2026-03-09', quarantineEnd: '2026-03-14' });
  const e7 = insertEnrolment(db, { contactId: c7, sourceCaseId: a, elicitedAt: at('2026-03-07T16:00:00Z'), notifiedAt: at('2026-03-07T16:10:00Z'), repliedAt: at('2026-03-07T16:20:00Z') });
  insertEnrolment(db, { contactId: c8, sourceCaseId: a, elicitedAt: at('2026-03-09T17:30:00Z'), notifiedAt: at('2026-03-09T17:40:00Z') });

  insertCheckin(db, { enrolmentId: e1, date: '2026-03-08', day: 1, sentAt: at('2026-03-08T01:00:00Z'), answeredAt: at('2026-03-08T02:00:00Z'), hasSymptoms: false });
  insertCheckin(db, { enrolmentId: e3, date: '2026-03-09', day: 2, sentAt: at('2026-03-09T01:00:00Z'), answeredAt: at('2026-03-09T09:06:00Z'), hasSymptoms: true, symptoms: ['cough', 'fever'] });
  insertCheckin(db, { enrolmentId: e3, date: '2026-03-08', day: 1, sentAt: at('2026-03-08T02:00:00Z'), status: 'missed' });
  insertCheckin(db, { enrolmentId: e7, date: '2026-03-07', day: 0, sentAt: at('2026-03-07T10:00:00Z'), answeredAt: at('2026-03-07T11:00:00Z'), hasSymptoms: false });
  // Sent in range and still open (its day is not over): not counted in the response rate yet.
  insertCheckin(db, { enrolmentId: e7, date: '2026-03-08', day: 1, sentAt: at('2026-03-08T01:00:00Z') });
  return { e1, e3, c3, c4, c5 };
}
