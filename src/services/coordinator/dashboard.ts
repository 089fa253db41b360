import type { Repositories } from '../../domain/repositories/index.js';
import { addDays, isIsoDate, localDate } from '../../flow/answers/index.js';
import { followUpIndicators, type FollowUpIndicators } from './follow-up-indicators.js';
import { median } from './median.js';
import { startOfLocalDay } from './zoned-time.js';

export interface DashboardQuery {
  /** First and last local day of the range (inclusive), `YYYY-MM-DD`. */
  from: string;
  to: string;
  timezone: string;
  /** Contacts a case should name (the national target was 15). */
  contactTarget: number;
  /** Epoch ms, for the waiting time of open escalations. */
  now: number;
}

export interface DayPoint {
  date: string;
  confirmed: number;
  /** Cases confirmed that day that have been reached / completed (so far). */
  reached: number;
  completed: number;
  completedWithin24h: number;
  /** Exposures recorded that day. */
  contactsNamed: number;
  /** Escalations raised that day. */
  escalations: number;
}

export interface TracerLoad {
  userId: number;
  name: string;
  role: string;
  /** Escalations this person holds (claimed, being worked). */
  pending: number;
  /** Escalations assigned to this person but not yet claimed (transferred to them). */
  open: number;
  resolvedInRange: number;
}

export interface Dashboard {
  range: { from: string; to: string; timezone: string; startMs: number; endMs: number };
  cases: { confirmed: number; reached: number; completed: number; unreachable: number; optedOut: number };
  /** Median hours from confirmation to completed interview, over completed cases confirmed in range; null when none. */
  medianHoursToInterview: number | null;
  /** Completed within 24 h of confirmation, as a share of cases confirmed in range (0..1); null when none confirmed. */
  shareCompletedWithin24h: number | null;
  contactsPerCase: { target: number; interviewedCases: number; mean: number | null; median: number | null; casesMeetingTarget: number };
  escalations: { open: number; pending: number; medianWaitingMinutes: number | null; oldestWaitingMinutes: number | null; raisedInRange: number; resolvedInRange: number };
  tracers: TracerLoad[];
  series: DayPoint[];
  /** Contact follow-up (issue 16): contacts named in range, followed to `now`. */
  followUp: FollowUpIndicators;
}

const HOUR = 3_600_000;
const MAX_DAYS = 366;

export { median };

/**
 * The coordinators' morning figures for local days `from`..`to` in `timezone`: cases confirmed, reached and interviewed,
 * time to interview, contacts named per interviewed case against the target, the escalation queue as it stands at `now`,
 * per-tracer workload and a per-day series for charts. Read-only.
 */
export function dashboard(repos: Pick<Repositories, 'reports' | 'followUpReports'>, q: DashboardQuery): Dashboard {
  if (!isIsoDate(q.from) || !isIsoDate(q.to) || q.from > q.to) throw new RangeError(`bad day range ${q.from}..${q.to}`);
  const days: string[] = [];
  for (let d = q.from; d <= q.to && days.length < MAX_DAYS; d = addDays(d, 1)) days.push(d);
  const startMs = startOfLocalDay(q.from, q.timezone);
  const endMs = startOfLocalDay(addDays(days.at(-1)!, 1), q.timezone);
  const r = repos.reports;

  const cases = r.casesConfirmed(startMs, endMs);

  const completed = cases.filter((x) => x.completedAt !== null);
  const within24 = (x: (typeof cases)[number]) => x.completedAt !== null && x.completedAt - x.confirmedAt <= 24 * HOUR;
  const hours = completed.map((x) => (x.completedAt! - x.confirmedAt) / HOUR);
  const named = completed.map((x) => x.contacts);

  const escalationQueue = r.escalationQueue();
  const openWaits = escalationQueue.filter((e) => e.status === 'open').map((e) => Math.max(0, q.now - e.waitingSince) / 60_000);
  const raised = r.escalationsRaised(startMs, endMs);
  const resolved = r.escalationsResolved(startMs, endMs);

  const series = new Map<string, DayPoint>(days.map((d) => [d, { date: d, confirmed: 0, reached: 0, completed: 0, completedWithin24h: 0, contactsNamed: 0, escalations: 0 }]));
  const dayOf = (ms: number) => series.get(localDate(ms, q.timezone));
  for (const x of cases) {
    const p = dayOf(x.confirmedAt);
    if (!p) continue;
    p.confirmed++;
    if (x.reachedAt !== null) p.reached++;
    if (x.completedAt !== null) p.completed++;
    if (within24(x)) p.completedWithin24h++;
  }
  for (const e of r.exposuresRecorded(startMs, endMs)) {
    const p = dayOf(e.at);
    if (p) p.contactsNamed++;
  }
  for (const e of raised) {
    const p = dayOf(e.at);
    if (p) p.escalations++;
  }

  return {
    range: { from: q.from, to: days.at(-1)!, timezone: q.timezone, startMs, endMs },
    cases: {
      confirmed: cases.length,
      reached: cases.filter((x) => x.reachedAt !== null).length,
      completed: completed.length,
      unreachable: cases.filter((x) => x.status === 'unreachable').length,
      optedOut: cases.filter((x) => x.status === 'opted_out').length,
    },
    medianHoursToInterview: round(median(hours), 2),
    shareCompletedWithin24h: cases.length ? round(cases.filter(within24).length / cases.length, 4) : null,
    contactsPerCase: {
      target: q.contactTarget,
      interviewedCases: completed.length,
      mean: named.length ? round(named.reduce((a, b) => a + b, 0) / named.length, 2) : null,
      median: median(named),
      casesMeetingTarget: named.filter((n) => n >= q.contactTarget).length,
    },
    escalations: {
      open: escalationQueue.filter((e) => e.status === 'open').length,
      pending: escalationQueue.filter((e) => e.status === 'pending').length,
      medianWaitingMinutes: round(median(openWaits), 1),
      oldestWaitingMinutes: openWaits.length ? round(openWaits.reduce((a, b) => Math.max(a, b), 0), 1) : null,
      raisedInRange: raised.length,
      resolvedInRange: resolved.length,
    },
    tracers: tracerLoad(r.users(), escalationQueue, resolved),
    series: [...series.values()],
    followUp: followUp(repos.followUpReports, startMs, endMs, q.now),
  };
}

function followUp(r: Repositories['followUpReports'], startMs: number, endMs: number, now: number): FollowUpIndicators {
  const outcome = { active: 'active', released: 'released', became_case: 'became_case', closed: 'lost' } as const;
  const named = r.namedBetween(startMs, endMs).map((x) => ({ elicitedAt: x.elicitedAt, notifiedAt: x.notifiedAt, outcome: outcome[x.status] }));
  return followUpIndicators(named, r.checkInsSentBetween(startMs, endMs), r.casesFromContacts(startMs, endMs), now);
}

function tracerLoad(
  users: { id: number; name: string; role: string; active: number }[],
  queue: { status: string; assigneeId: number | null }[],
  resolved: { assigneeId: number | null }[],
): TracerLoad[] {
  const rows = new Map<number, TracerLoad>();
  for (const u of users) rows.set(u.id, { userId: u.id, name: u.name, role: u.role, pending: 0, open: 0, resolvedInRange: 0 });
  for (const e of queue) {
    const r = e.assigneeId === null ? undefined : rows.get(e.assigneeId);
    if (!r) continue;
    if (e.status === 'pending') r.pending++;
    else r.open++;
  }
  for (const e of resolved) {
    const r = e.assigneeId === null ? undefined : rows.get(e.assigneeId);
    if (r) r.resolvedInRange++;
  }
  // Active tracers always show (an idle tracer is information); others only when they carry or closed work.
  const active = new Set(users.filter((u) => u.active).map((u) => u.id));
  return [...rows.values()].filter((r) => (r.role === 'tracer' && active.has(r.userId)) || r.pending + r.open + r.resolvedInRange > 0);
}

function round(v: number | null, digits: number): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
