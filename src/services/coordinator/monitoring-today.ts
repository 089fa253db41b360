import { daysBetween, type MonitoringPolicy, type MonitoringStage } from '../../domain/monitoring.js';
import type { CheckinRecord, Repositories, RosterRow } from '../../domain/repositories/index.js';
import { estimateSendTime, type SendEstimate } from './send-estimate.js';

/** The coordinators' view of contact follow-up today: the roster by stage and area, and whether today's check-ins can be sent. */

/** Roster stages in the order a contact moves through them (the page's chips and counts). */
export const ROSTER_STAGES: readonly MonitoringStage[] = ['enrolled', 'needs_call', 'notified', 'monitoring', 'symptomatic', 'unreachable', 'released', 'became_case', 'closed'];

export interface MonitoringTodayQuery {
  /** Today's local date and the epoch ms of its start, in the policy's time zone. */
  today: string;
  dayStartMs: number;
  policy: MonitoringPolicy;
  /** Messages a minute the outreach channel sends (null: unthrottled or no channel). */
  perMinute: number | null;
  area?: string;
  stage?: MonitoringStage;
  limit: number;
}

/** A roster row with where the contact is in quarantine today and their latest check-in. */
export interface TodayRow extends RosterRow {
  /** Day of quarantine today (day N = last exposure + N days) and the period's length. */
  day: number;
  days: number;
  testDay: boolean;
  lastCheckin: CheckinRecord | null;
  namedBy: { caseId: number; externalId: string } | null;
  /** The contact's latest chat, for "open chat"; null before the bot wrote to them. */
  conversationId: number | null;
}

export interface MonitoringToday {
  today: string;
  counts: Record<MonitoringStage, number>;
  /** Contacts on today's roster (active, or closed today) in the area; of the chosen stage when one is chosen. */
  total: number;
  rows: TodayRow[];
  areas: string[];
  checkIns: number;
  estimate: SendEstimate;
}

/**
 * Today's roster: every record still followed plus those closed today, counted by stage (in an area when one is given),
 * the first `limit` rows of the chosen stage, and the send time of today's check-ins at the channel's rate. Read-only.
 */
export function monitoringToday(repos: Pick<Repositories, 'monitoring' | 'followUpReports' | 'cases' | 'conversations'>, q: MonitoringTodayQuery): MonitoringToday {
  const filter = { closedSince: q.dayStartMs, ...(q.area ? { area: q.area } : {}) };
  // One scan gives every area's stage counts: the chips for the chosen area and the area list.
  const byArea = repos.monitoring.stageCounts(q.dayStartMs);
  const counts = Object.fromEntries(ROSTER_STAGES.map((stage) => [stage, 0])) as Record<MonitoringStage, number>;
  for (const r of byArea) if (!q.area || r.area === q.area) counts[r.stage] += r.n;
  const areas = [...new Set(byArea.map((r) => r.area).filter((a): a is string => a !== null && a !== ''))].sort();
  const page = repos.monitoring.roster({ ...filter, ...(q.stage ? { stage: q.stage } : {}), limit: q.limit, offset: 0 });
  const rows = page.rows.map((r): TodayRow => {
    const e = r.enrolment;
    const source = e.sourceCaseId === null ? undefined : repos.cases.byId(e.sourceCaseId);
    return {
      ...r,
      day: daysBetween(e.lastExposureDate, q.today),
      days: daysBetween(e.lastExposureDate, e.quarantineEnd),
      testDay: e.testDates.includes(q.today),
      lastCheckin: latestSent(repos.monitoring.checkins(e.id), q.today),
      namedBy: source ? { caseId: source.id, externalId: source.externalId } : null,
      conversationId: e.channel && e.channelUserId ? (repos.conversations.latestForChat(e.channel, e.channelUserId)?.id ?? null) : null,
    };
  });
  // Before the day's tick has planned them, count the records it will plan; after, the rows it planned.
  const planned = repos.followUpReports.checkInsOn(q.today);
  const checkIns = planned > 0 ? planned : repos.followUpReports.checkInsExpected(q.today);
  return {
    today: q.today,
    counts,
    total: page.total,
    rows,
    areas,
    checkIns,
    estimate: estimateSendTime({ checkIns, perMinute: q.perMinute, startHour: q.policy.checkinHour }),
  };
}

/** The latest check-in that went out on or before `today` (planned ones for later are not news). */
function latestSent(checkins: CheckinRecord[], today: string): CheckinRecord | null {
  const sent = checkins.filter((c) => c.date <= today && c.sentAt !== null);
  return sent.reduce<CheckinRecord | null>((a, c) => (a === null || c.date > a.date ? c : a), null);
}
