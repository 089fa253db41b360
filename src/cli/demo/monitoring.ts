import { addDays, daysBetween, type MonitoringPolicy, type MonitoringStage } from '../../domain/monitoring.js';
import type { EnrolmentRecord, Repositories } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';
import { epochAtLocal } from '../../flow/clock.js';
import { openEscalation } from '../../services/inbox/index.js';
import { enrolExposure, monitoringTick, recordCallOutcome, recordTestResult, release, releaseReason } from '../../services/monitoring/index.js';
import { HOUR, MIN } from './plan.js';

/**
 * The demo's contacts followed through quarantine, so the monitoring page, the call list, the inbox and the dashboard show
 * every stage: enrolment and the scheduler's ticks are the real services, replayed day by day at the check-in hour; the
 * contacts' side (being told, answering check-ins, symptoms, test results) is recorded as the contact flows' runs record
 * it, without replaying those chats' messages. Deterministic for a seeded `random`.
 */

type Behaviour = 'answers' | 'negative' | 'symptomatic' | 'positive' | 'goes_silent' | 'never_replies';
const BEHAVIOURS: [Behaviour, number][] = [
  ['answers', 48],
  ['negative', 14],
  ['symptomatic', 12],
  ['positive', 10],
  ['goes_silent', 10],
  ['never_replies', 6],
];

export interface FollowOptions {
  now: number;
  policy: MonitoringPolicy;
  random: () => number;
  /** The tracer who works the call list (none: calls stay waiting). */
  tracerId: number | null;
  startCodeTtlMs: number;
  /** The published version of the notification flow the contacts' chats are on (1 when it is not published). */
  notifyFlowVersion: number;
}

/** Follow every demo contact named in the week through quarantine as of `now`; returns the roster's count per stage. */
export function followContacts(repos: Repositories, o: FollowOptions): Record<MonitoringStage, number> {
  const m = repos.monitoring;
  const tz = o.policy.timeZone;
  // Each exposure enrolled when it was recorded (as the running system does on the event), so last week's are followed too.
  const created: number[] = [];
  for (const x of m.unenrolledExposures(100_000).sort((a, b) => a.createdAt - b.createdAt || a.exposureId - b.exposureId)) {
    const r = enrolExposure(repos, x, o.policy, x.createdAt);
    if (r.kind === 'enrolled' && r.created) created.push(r.enrolmentId);
  }
  const behaviour = new Map<number, Behaviour>();
  const chat = new Map<number, number>();
  for (const id of created) {
    const e = m.byId(id)!;
    const phone = m.contact(e.contactId)?.phone ?? null;
    behaviour.set(id, draw(o.random));
    if (phone === null || o.random() < 0.06) {
      m.markNeedsCall(id, phone === null ? 'no_phone' : 'not_on_channel', e.elicitedAt + 2 * MIN);
      const calledAt = e.elicitedAt + (1 + o.random() * 20) * HOUR;
      if (o.tracerId !== null && o.random() < 0.5 && calledAt < o.now) recordCallOutcome(repos, id, 'reached', { userId: o.tracerId }, calledAt);
      continue;
    }
    // Most are told within minutes; a few wait for a day and more (the outreach backlog the 24 h indicator shows).
    const toldAt = e.elicitedAt + (o.random() < 0.1 ? 24 + o.random() * 12 : o.random() * 0.5) * HOUR;
    if (toldAt > o.now) continue;
    const userId = `${phone.slice(1)}@s.whatsapp.net`;
    m.markQueued(id, 'whatsapp', userId, toldAt - MIN);
    m.markNotified(id, toldAt);
    const state = { lang: e.lang, status: 'completed', stepId: null, answers: {}, lists: {}, collect: null, invalid: 0, reminders: 0, confirmingStop: false, case: {} };
    // A contact who is also a patient already chatting (a chain) keeps that one open chat.
    const open = repos.conversations.openForChat('whatsapp', userId);
    chat.set(id, open ? open.id : repos.conversations.insert({ channel: 'whatsapp', channelUserId: userId, caseId: null, flowId: 'contact-notification', flowVersion: o.notifyFlowVersion, state: JSON.stringify(state), lang: e.lang, now: toldAt }).id);
    const repliedAt = toldAt + (5 + o.random() * 180) * MIN;
    if (behaviour.get(id) !== 'never_replies' && repliedAt < o.now) m.markReplied(id, repliedAt);
  }

  const first = created.map((id) => m.byId(id)!.lastExposureDate).sort()[0];
  const today = localDate(o.now, tz);
  for (let date = first ? addDays(first, 1) : today; date <= today; date = addDays(date, 1)) {
    const at = epochAtLocal(date, `${o.policy.checkinHour}:00`, tz);
    if (at > o.now) break;
    const report = monitoringTick(repos, o.policy, at);
    for (const item of report.items) {
      const e = m.byId(item.enrolmentId);
      if (!e) continue;
      if (item.action === 'release') closeIfDue(repos, e, date, at);
      else if (item.action === 'checkin' && item.checkinId !== undefined) answerCheckin(repos, o, e, item.checkinId, chat.get(e.id), behaviour.get(e.id) ?? 'answers', date, at);
    }
  }
  return Object.fromEntries(
    (['enrolled', 'needs_call', 'notified', 'monitoring', 'symptomatic', 'unreachable', 'released', 'became_case', 'closed'] as const).map((s) => [s, m.roster({ stage: s, limit: 0, offset: 0 }).total]),
  ) as Record<MonitoringStage, number>;
}

function draw(random: () => number): Behaviour {
  let r = random() * BEHAVIOURS.reduce((s, [, w]) => s + w, 0);
  for (const [b, w] of BEHAVIOURS) if ((r -= w) < 0) return b;
  return 'answers';
}

/** What the release run does: close the record with its reason (the release message itself is the flow's). */
function closeIfDue(repos: Repositories, e: EnrolmentRecord, date: string, at: number): void {
  const reason = releaseReason(e, date);
  if (reason) release(repos, e, reason, at, { outboxIds: [] });
}

/** One check-in as the contact answers it, per their behaviour. */
function answerCheckin(repos: Repositories, o: FollowOptions, e: EnrolmentRecord, checkinId: number, conversationId: number | undefined, b: Behaviour, date: string, at: number): void {
  const m = repos.monitoring;
  if (conversationId === undefined) return;
  m.startCheckin(checkinId, conversationId, at + MIN);
  const day = daysBetween(e.lastExposureDate, date);
  const answeredAt = at + (3 + o.random() * 150) * MIN;
  if (answeredAt > o.now || b === 'never_replies' || (b === 'goes_silent' && day >= 2)) return;
  const exit = e.testDates.at(-1) ?? e.quarantineEnd;
  const askResult = date > exit && e.testResult === null;
  const testResult = askResult && b === 'positive' ? 'positive' : askResult && b === 'negative' ? 'negative' : askResult ? 'not_tested' : null;
  const sick = b === 'symptomatic' && day >= 2;
  const symptoms = sick ? (o.random() < 0.25 ? ['cough', 'breathing'] : ['fever', 'cough']) : null;
  m.answerCheckin(checkinId, { hasSymptoms: sick, symptoms, testResult }, answeredAt);
  m.markReplied(e.id, answeredAt);
  if (sick && m.markSymptomatic(e.id, answeredAt)) {
    // The check-in flow's escalate_when: symptoms are high priority, shortness of breath urgent.
    openEscalation(repos, { conversationId, reason: 'risky_answer', detail: 'symptomatic_contact', priority: symptoms!.includes('breathing') ? 'urgent' : 'high' }, answeredAt);
  }
  if (b === 'positive' && day >= 2 && e.status === 'active') {
    // The entry test's lab result arrives a day or more later through the API: positive, so the contact becomes a case.
    recordTestResult(repos, e.contactId, { result: 'positive', testedAt: e.testDates[0] ?? date }, { kind: 'token', id: null }, { policy: o.policy, now: answeredAt, startCodeTtlMs: o.startCodeTtlMs });
    return;
  }
  if (testResult === 'positive' || testResult === 'negative') {
    const r = recordTestResult(repos, e.contactId, { result: testResult, testedAt: exit }, { kind: 'user', id: null }, { policy: o.policy, now: answeredAt, startCodeTtlMs: o.startCodeTtlMs });
    if (r.kind === 'recorded' && testResult === 'negative') closeIfDue(repos, m.byId(e.id)!, date, answeredAt);
  }
}
