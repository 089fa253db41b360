import type { MonitoringPolicy } from '../../domain/monitoring.js';
import { localDate } from '../../flow/answers/index.js';
import type { AnswerValue, ConversationState } from '../../flow/types.js';
import { addEvent } from '../outbox.js';
import type { MonitoredTurn, MonitoredTurnChange, TurnDeps } from '../turn/turn-deps.js';
import type { TurnOutcome } from '../turn/turn-outcome.js';
import { MonitoringFlowIds } from './context.js';
import { becomeCase, release } from './outcomes.js';
import { contactRunState } from './runs.js';

/** What the rules need besides the turn's dependencies. */
export interface RuleOptions {
  policy(): MonitoringPolicy;
  startCodeTtlMs: number;
}

const symptomList = (v: AnswerValue | undefined): string[] => (Array.isArray(v) ? v : []);

/** True when the answers report symptoms (`has_symptoms` yes, or a symptom chosen). */
export function reportsSymptoms(answers: Record<string, AnswerValue>): boolean {
  return answers.has_symptoms === true || symptomList(answers.symptoms).length > 0;
}

/**
 * The loop's rules on a turn of a contact's run (notification or check-in), in the turn's transaction:
 * - a reply marks the record replied; symptoms mark it symptomatic (`contact.symptomatic`; the flow escalates itself);
 * - a check-in run that completed or went to a tracer is answered (symptoms, test result);
 * - completion at `result_positive` (or a positive result) makes the contact a case and starts the interview in this chat;
 * - completion at `released` (negative exit test, no symptoms) or of a release run closes the record as released;
 * - a finished run of a record no longer followed is replaced by a `closed` run: the next message hears "your quarantine
 *   has ended", and nothing else changes.
 */
export function applyRules(d: TurnDeps, o: RuleOptions, t: MonitoredTurn, out: TurnOutcome): MonitoredTurnChange | undefined {
  const { conv, state, events, now } = t;
  if (conv.flowId !== MonitoringFlowIds.notify && conv.flowId !== MonitoringFlowIds.checkin) return undefined;
  const m = d.stores.monitoring;
  const e = m.byChat(conv.channel, conv.channelUserId);
  if (!e) return undefined;
  const stage = (state as ConversationState & { monitoring?: { stage?: string } }).monitoring?.stage ?? 'checkin';
  const completed = events.find((ev) => ev.type === 'completed');
  const escalated = events.some((ev) => ev.type === 'escalated');
  const fx = { outboxIds: out.outboxIds };
  const policy = o.policy();
  const today = localDate(now, policy.timeZone);
  const closedRun = (): MonitoredTurnChange => {
    const flow = d.flows.get(conv.flowId, conv.flowVersion);
    if (!flow || conv.flowId !== MonitoringFlowIds.checkin) return {};
    const fresh = m.byId(e.id) ?? e;
    return { state: contactRunState(flow, fresh, m.contact(e.contactId)?.name ?? '', today, policy, 'closed') };
  };
  if (stage === 'release' || stage === 'closed') return completed ? closedRun() : undefined;

  // Confirmed who they are (typed their name): from now on the chat may talk about their quarantine every morning.
  if (conv.flowId === MonitoringFlowIds.notify && state.answers.identity_confirmed === true) m.markReplied(e.id, now);
  const answers = state.answers;
  if ((completed || escalated) && e.status === 'active' && reportsSymptoms(answers) && m.markSymptomatic(e.id, now)) {
    const symptoms = symptomList(answers.symptoms);
    out.outboxIds.push(addEvent(d.stores.outbox, conv.id, 'contact.symptomatic', { contactId: e.contactId, enrolmentId: e.id, conversationId: conv.id, symptoms, urgent: symptoms.includes('breathing') }, now));
  }
  if (conv.flowId !== MonitoringFlowIds.checkin) return undefined;

  const result = answers.test_result;
  const checkin = m.checkinByConversation(conv.id);
  if (checkin && (completed || escalated)) {
    m.answerCheckin(
      checkin.id,
      {
        hasSymptoms: typeof answers.has_symptoms === 'boolean' ? answers.has_symptoms : null,
        symptoms: Array.isArray(answers.symptoms) ? answers.symptoms : null,
        testResult: result === 'positive' || result === 'negative' || result === 'not_tested' ? result : null,
      },
      now,
    );
  }
  if (!completed) return undefined;
  if (e.status !== 'active') return closedRun();
  if (completed.step === 'result_positive' || result === 'positive') {
    const made = becomeCase(d.stores, e, { testedAt: today, source: 'chat' }, { now, startCodeTtlMs: o.startCodeTtlMs }, fx);
    // The interview starts at once in this chat: the follow-up opens it after this run is closed.
    out.followUps.push({ type: 'monitoring', action: 'interview', enrolmentId: e.id, channel: conv.channel, channelUserId: conv.channelUserId, id: `became-case-${made.caseId}`, enqueuedAt: now });
    return { closedReason: 'completed' };
  }
  if (result === 'negative') m.recordResult(e.id, { result: 'negative', testedAt: today, source: 'chat' }, now);
  if (completed.step === 'released') {
    release(d.stores, m.byId(e.id) ?? e, 'released_negative', now, fx);
    return closedRun();
  }
  return undefined;
}
