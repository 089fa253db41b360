import { laterPeriod, periodFor, type MonitoringPolicy } from '../../domain/monitoring.js';
import type { ExposureToEnrol, Repositories } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';

/** What enrolling one exposure did. */
export type EnrolOutcome =
  | { kind: 'enrolled'; enrolmentId: number; created: boolean }
  /** The quarantine this exposure gives had ended when it was recorded: nothing to follow. */
  | { kind: 'past' }
  /** Enrolled before (the event again, or the tick's sweep). */
  | { kind: 'already' };

/**
 * Enrol an exposure, once: the contact's active record takes it (its end moves later when this exposure is later), or a new
 * record is opened with the period the policy gives. Runs in the caller's transaction (or its own).
 */
export function enrolExposure(
  stores: Pick<Repositories, 'monitoring' | 'transactions'>,
  x: ExposureToEnrol,
  policy: MonitoringPolicy,
  now: number,
  day: (epochMs: number) => string = (t) => localDate(t, policy.timeZone),
): EnrolOutcome {
  const m = stores.monitoring;
  return stores.transactions.transaction((): EnrolOutcome => {
    const elicitedDay = day(x.createdAt);
    // A last contact after the day it was recorded is a typo; none given: count from the day it was recorded.
    const lastContact = x.lastContactDate && x.lastContactDate <= elicitedDay ? x.lastContactDate : elicitedDay;
    const period = periodFor(lastContact, policy);
    const active = m.activeByContact(x.contactId);
    if (active) {
      if (!m.linkExposure(x.exposureId, active.id, now)) return { kind: 'already' };
      const current = { lastExposureDate: active.lastExposureDate, quarantineEnd: active.quarantineEnd, testDates: active.testDates, lastCheckinDate: active.lastCheckinDate };
      const later = laterPeriod(current, period);
      if (later !== current) m.extend(active.id, later, x.caseId, now);
      return { kind: 'enrolled', enrolmentId: active.id, created: false };
    }
    if (period.lastCheckinDate < day(now)) return m.linkExposure(x.exposureId, null, now) ? { kind: 'past' } : { kind: 'already' };
    const enrolmentId = m.insert({ contactId: x.contactId, sourceCaseId: x.caseId, elicitedAt: x.createdAt, period, lang: x.lang, now });
    m.linkExposure(x.exposureId, enrolmentId, now);
    return { kind: 'enrolled', enrolmentId, created: true };
  });
}

/** Enrol every exposure not enrolled yet (tracer edits, imports, events lost); returns the records opened (to notify). */
export function enrolPending(stores: Pick<Repositories, 'monitoring' | 'transactions'>, policy: MonitoringPolicy, now: number, limit = 10_000): { enrolled: number; created: number[] } {
  const created: number[] = [];
  let enrolled = 0;
  // Local dates by the minute: formatting a date in a zone costs more than the rest of an enrolment.
  const days = new Map<number, string>();
  const day = (t: number) => {
    const minute = Math.floor(t / 60_000);
    let d = days.get(minute);
    if (d === undefined) days.set(minute, (d = localDate(t, policy.timeZone)));
    return d;
  };
  // One write transaction for the batch: a tick after an import enrols thousands of exposures.
  stores.transactions.transaction(() => {
    for (const x of stores.monitoring.unenrolledExposures(limit)) {
      const r = enrolExposure(stores, x, policy, now, day);
      if (r.kind !== 'enrolled') continue;
      enrolled++;
      if (r.created) created.push(r.enrolmentId);
    }
  });
  return { enrolled, created };
}
