import { median } from './median.js';

/**
 * The dashboard's contact follow-up indicators (issue 16), from the rows themselves. The definitions follow Resolve to
 * Save Lives' contact-tracing indicators, with the population made explicit: every figure except the last is over the
 * contacts NAMED in the range (a contact named by two cases is one monitoring record, counted once), followed to `now`.
 */

const HOUR = 3_600_000;

/** One monitoring record (enrolment) of a contact named in the range. */
export interface FollowUpRow {
  /** When the contact was first named (elicited) for this exposure. */
  elicitedAt: number;
  /** When they were first told (the notification left, or a tracer reached them by phone); null while not told. */
  notifiedAt: number | null;
  /** Where the follow-up stands now: still running, released at the end, became a case, or closed without finishing. */
  outcome: 'active' | 'released' | 'became_case' | 'lost';
}

/** One daily check-in that was sent. */
export interface CheckInRow {
  sentAt: number;
  answeredAt: number | null;
}

export interface FollowUpIndicators {
  /**
   * Told within 24 h of being named, over contacts named in range whose 24 h have passed or who were told already (a
   * contact named an hour ago and not told yet is not a failure yet). Median hours over those told.
   */
  notified: { named: number; counted: number; within24h: number; share: number | null; medianHours: number | null };
  /** Check-ins sent in the range that got an answer, over those answered or missed (today's, still open, are not counted yet). */
  checkIns: { sent: number; answered: number; rate: number | null };
  /** Released at the end of quarantine, over those whose follow-up has ended other than by becoming a case. */
  completed: { ended: number; completed: number; share: number | null };
  /** Secondary attack rate: became a case, over every contact named in the range. */
  becameCases: { contacts: number; cases: number; rate: number | null };
  /** Cases confirmed in the range who were on the contact list before (a chain edge), over all cases confirmed in range. */
  knownContacts: { cases: number; wereContacts: number; share: number | null };
}

const share = (n: number, of: number, digits = 4) => (of === 0 ? null : Math.round((n / of) * 10 ** digits) / 10 ** digits);

/** The follow-up indicators from the range's monitoring records, check-ins and confirmed cases, as they stand at `now` (pure). */
export function followUpIndicators(
  rows: readonly FollowUpRow[],
  checkIns: readonly CheckInRow[],
  cases: { total: number; fromContacts: number },
  now: number,
): FollowUpIndicators {
  const counted = rows.filter((r) => r.notifiedAt !== null || now - r.elicitedAt >= 24 * HOUR);
  const hours = rows.filter((r) => r.notifiedAt !== null).map((r) => Math.max(0, r.notifiedAt! - r.elicitedAt) / HOUR);
  const within24h = counted.filter((r) => r.notifiedAt !== null && r.notifiedAt - r.elicitedAt <= 24 * HOUR).length;
  const medianHours = median(hours);
  const ended = rows.filter((r) => r.outcome === 'released' || r.outcome === 'lost');
  const released = ended.filter((r) => r.outcome === 'released').length;
  const becameCases = rows.filter((r) => r.outcome === 'became_case').length;
  const answered = checkIns.filter((c) => c.answeredAt !== null).length;
  return {
    notified: { named: rows.length, counted: counted.length, within24h, share: share(within24h, counted.length), medianHours: medianHours === null ? null : Math.round(medianHours * 100) / 100 },
    checkIns: { sent: checkIns.length, answered, rate: share(answered, checkIns.length) },
    completed: { ended: ended.length, completed: released, share: share(released, ended.length) },
    becameCases: { contacts: rows.length, cases: becameCases, rate: share(becameCases, rows.length) },
    knownContacts: { cases: cases.total, wereContacts: cases.fromContacts, share: share(cases.fromContacts, cases.total) },
  };
}
