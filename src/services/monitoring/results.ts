import type { CallOutcome, MonitoringPolicy, MonitoringStage } from '../../domain/monitoring.js';
import { monitoringStage } from '../../domain/monitoring.js';
import type { CheckinRecord, EnrolmentRecord, Repositories } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';
import type { ConversationState } from '../../flow/types.js';
import { audit } from '../audit.js';
import { changeOwnership } from '../change-ownership.js';
import type { FollowUp } from '../turn/turn-outcome.js';
import { MonitoringFlowIds } from './context.js';
import { becomeCase, releaseReason } from './outcomes.js';

/** What recording results and call outcomes writes through. */
export type ResultStores = Pick<Repositories, 'monitoring' | 'cases' | 'outbox' | 'transactions' | 'audit' | 'conversations'>;

/** Who records a result. */
export interface ResultActor {
  kind: 'user' | 'token';
  id: number | null;
  ip?: string | null;
}

/** What recording a lab result did; `followUps`/`outboxIds`/`outreachCaseIds` are for the caller to carry out after it. */
export type TestResultOutcome =
  | { kind: 'not_found' }
  /** The contact is known but not followed (never enrolled): nothing to record the result on. */
  | { kind: 'not_followed' }
  | { kind: 'recorded'; duplicate: boolean; enrolmentId: number; caseId?: number; followUps: FollowUp[]; outboxIds: number[]; outreachCaseIds: number[] };

/** The loop's staff actions that need work after their commit (dispatch, mailboxes, outreach); given to the web layer. */
export interface MonitoringActions {
  /** `recordTestResult` for a tracer or an API token, then its effects. */
  recordTestResult(contactId: number, r: { result: 'positive' | 'negative'; testedAt: string }, actor: ResultActor): Promise<TestResultOutcome>;
}

/**
 * Record a lab result for a contact (a tracer, or the API): the one home for both. Positive: the contact becomes a case
 * linked to the case who named them, and the interview starts in their chat (or outreach writes to them). Negative on or
 * after the exit test day, with no symptoms: released with the release message. Idempotent: the same result again (or a
 * positive for a contact who already became a case) changes nothing. Audited.
 */
export function recordTestResult(
  stores: ResultStores,
  contactId: number,
  r: { result: 'positive' | 'negative'; testedAt: string },
  actor: ResultActor,
  opts: { policy: MonitoringPolicy; now: number; startCodeTtlMs: number },
): TestResultOutcome {
  const m = stores.monitoring;
  if (!m.contact(contactId)) return { kind: 'not_found' };
  const source = actor.kind === 'token' ? 'api' : 'tracer';
  return stores.transactions.transaction((): TestResultOutcome => {
    const e = m.byContact(contactId);
    if (!e) return { kind: 'not_followed' };
    const fx = { outboxIds: [] as number[] };
    const done = { kind: 'recorded' as const, enrolmentId: e.id, followUps: [] as FollowUp[], outboxIds: fx.outboxIds, outreachCaseIds: [] as number[] };
    if (r.result === 'positive') {
      if (e.status === 'became_case' && e.becameCaseId !== null) return { ...done, duplicate: true, caseId: e.becameCaseId };
      const made = becomeCase(stores, e, { testedAt: r.testedAt, source }, { now: opts.now, startCodeTtlMs: opts.startCodeTtlMs }, fx);
      const chat = e.channel && e.channelUserId ? { channel: e.channel, channelUserId: e.channelUserId } : undefined;
      if (chat && e.repliedAt !== null && closeIdleRun(stores, chat, opts.now)) {
        done.followUps.push({ type: 'monitoring', action: 'interview', enrolmentId: e.id, ...chat, id: `became-case-${made.caseId}`, enqueuedAt: opts.now });
      } else done.outreachCaseIds.push(made.caseId);
      auditResult(stores, actor, e, r, opts.now, made.caseId);
      return { ...done, duplicate: false, caseId: made.caseId };
    }
    if (!m.recordResult(e.id, { result: 'negative', testedAt: r.testedAt, source }, opts.now)) return { ...done, duplicate: true };
    auditResult(stores, actor, e, r, opts.now);
    const after = m.byId(e.id)!;
    if (releaseReason(after, localDate(opts.now, opts.policy.timeZone)) && after.channel && after.channelUserId && after.notifyStatus === 'sent' && after.repliedAt !== null) {
      done.followUps.push({ type: 'monitoring', action: 'release', enrolmentId: e.id, channel: after.channel, channelUserId: after.channelUserId, id: `release-${e.id}`, enqueuedAt: opts.now });
    }
    return { ...done, duplicate: false };
  });
}

function auditResult(stores: ResultStores, actor: ResultActor, e: EnrolmentRecord, r: { result: string; testedAt: string }, now: number, caseId?: number): void {
  audit(stores, { actorKind: actor.kind, actorId: actor.id, action: 'monitoring.test_result', entityType: 'contact', entityId: e.contactId, details: { enrolmentId: e.id, result: r.result, testedAt: r.testedAt, ...(caseId ? { caseId } : {}) }, ip: actor.ip ?? null }, now);
}

/** Close the chat's open contact run so the case interview can open in it; false when a tracer or an interview holds it. */
function closeIdleRun(stores: ResultStores, chat: { channel: NonNullable<EnrolmentRecord['channel']>; channelUserId: string }, now: number): boolean {
  const open = stores.conversations.openForChat(chat.channel, chat.channelUserId);
  if (!open) return true;
  const ours = open.flowId === MonitoringFlowIds.notify || open.flowId === MonitoringFlowIds.checkin;
  if (open.owner !== 'bot' || (!ours && (JSON.parse(open.state) as ConversationState).status !== 'completed')) return false;
  const change = changeOwnership(stores.conversations, open, [{ type: 'close' }], now, { closedReason: 'completed' });
  return change.ok && change.written;
}

/** A tracer called a contact on the call list: reached, not reached or wrong number (audited). */
export function recordCallOutcome(stores: Pick<Repositories, 'monitoring' | 'audit' | 'transactions'>, enrolmentId: number, outcome: CallOutcome, actor: { userId: number; ip?: string | null }, now: number): boolean {
  return stores.transactions.transaction(() => {
    if (!stores.monitoring.recordCallOutcome(enrolmentId, outcome, actor.userId, now)) return false;
    audit(stores, { actorKind: 'user', actorId: actor.userId, action: 'monitoring.call_outcome', entityType: 'monitoring_enrolment', entityId: enrolmentId, details: { outcome }, ip: actor.ip ?? null }, now);
    return true;
  });
}

/** A contact's follow-up as the API and the conversation page show it. */
export interface ContactMonitoring {
  enrolment: EnrolmentRecord;
  stage: MonitoringStage;
  checkins: CheckinRecord[];
}

/** The contact's current (or latest) monitoring record with its check-ins; undefined when never followed. */
export function contactMonitoring(stores: Pick<Repositories, 'monitoring'>, contactId: number): ContactMonitoring | undefined {
  const e = stores.monitoring.byContact(contactId);
  return e ? { enrolment: e, stage: monitoringStage(e), checkins: stores.monitoring.checkins(e.id) } : undefined;
}
