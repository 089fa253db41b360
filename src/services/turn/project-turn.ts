import type { OwnershipAction } from '../../domain/ownership.js';
import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import type { FlowDefinition } from '../../flow/definition.js';
import type { ConversationState, EngineEvent } from '../../flow/types.js';
import { changeOwnership } from '../change-ownership.js';
import { recordEscalation } from '../escalations.js';
import { addEvent, addOutbox } from '../outbox.js';
import { CONSENT_KEY, recordConsent } from './consent-record.js';
import { recordBotReply } from './transcript.js';
import type { TurnDeps } from './turn-deps.js';
import { durationMs, type TimerRequest, type TurnOutcome } from './turn-outcome.js';

/** The escalation reason of a person who says the message reached the wrong number (flows/verify-identity.yaml). */
const WRONG_NUMBER = 'wrong_number';

/** One turn's result, ready to be written. */
export interface TurnToProject {
  conv: ConversationRecord;
  state: ConversationState;
  caseId: number | null;
  now: number;
  /** Set when a patient message caused the turn (the conversation's last inbound time). */
  lastInboundAt: number | null;
  /** When the mailbox item entered the pipeline: carried to the send job for the latency histogram. */
  inboundAt: number | null;
  flow?: FlowDefinition;
  closedReason?: string;
  /** Timers to arm if the bot is left waiting for the patient. */
  arm?: TimerRequest['timer'][];
}

/**
 * Project the engine's events and the new state into SQL: transcript replies, answers, escalations (by the one rule),
 * case status, ownership (through `transition`), the conversation row, the outbox, and the timers to arm. Everything runs
 * inside the caller's transaction; what to do after the commit is added to `out`.
 */
export function projectTurn(d: TurnDeps, t: TurnToProject, events: EngineEvent[], out: TurnOutcome): TurnOutcome {
  const { conv, now } = t;
  const { answers, cases, conversations, messages, outbox } = d.stores;
  const ownershipActions: OwnershipAction[] = [];
  let closedReason: string | null = t.closedReason ?? null;
  let optedOut = conv.optedOut;
  const messageIds: number[] = [];
  const event = (name: string, data: Record<string, unknown>) => out.outboxIds.push(addEvent(outbox, conv.id, name, data, now));
  for (const e of events) {
    switch (e.type) {
      case 'message':
        messageIds.push(recordBotReply(messages, conv, e, now, out));
        break;
      case 'answer_saved':
        // What a person types to prove who they are is checked, not kept: the transcript has it, the answers do not (issue 17).
        if (conv.flowId === d.verifyFlow) break;
        answers.upsert({ conversationId: conv.id, caseId: t.caseId, key: e.key, value: JSON.stringify(e.value), raw: e.raw, stepId: e.step, now });
        if (e.key === CONSENT_KEY && t.flow?.id === conv.flowId) recordConsent(d.stores, conv, t.caseId, { step: e.step, value: e.value, lang: t.state.lang }, now);
        break;
      case 'item_collected': {
        const list = t.state.lists[e.key] ?? [];
        answers.upsert({ conversationId: conv.id, caseId: t.caseId, key: e.key, value: JSON.stringify(list), raw: null, stepId: e.step, now });
        const name = e.kind === 'contact' ? 'contact.elicited' : e.kind === 'place' ? 'place.visited' : 'item.collected';
        event(name, { conversationId: conv.id, caseId: t.caseId, step: e.step, key: e.key, index: e.index, item: e.item });
        break;
      }
      case 'escalated': {
        ownershipActions.push({ type: 'escalate' });
        // The bot only runs while it owns the chat, so nobody holds it yet.
        const holder = conv.owner === 'tracer' ? conv.assigneeId : null;
        const r = recordEscalation(
          d.stores,
          { conversationId: conv.id, caseId: t.caseId, reason: e.reason, priority: e.priority, detail: e.detail ?? null, stepId: e.step },
          holder,
          now,
        );
        out.live.push(...r.live);
        out.outboxIds.push(...r.outboxIds);
        // Issue 17: the case's number reached someone else; a tracer must find the right one.
        if (e.reason === 'flow_handoff' && e.detail === WRONG_NUMBER && t.caseId !== null) cases.setStatus(t.caseId, 'needs_call', now);
        break;
      }
      case 'completed':
        if (t.flow?.id !== undefined && t.flow.id === d.verifyFlow) break;
        if (t.caseId !== null) cases.markCompleted(t.caseId, now);
        event('interview.completed', { conversationId: conv.id, caseId: t.caseId, answers: t.state.answers, lists: t.state.lists });
        break;
      case 'opted_out':
        closedReason = 'stopped';
        optedOut = true;
        if (t.caseId !== null) cases.setStatus(t.caseId, 'opted_out', now);
        break;
      case 'error':
        out.errors.push(e.code);
        break;
      default:
        break;
    }
  }
  // A contact's run (issue 16): the loop's rules may store another state (monitoring closed) or close the chat.
  const monitored = d.monitoring?.afterTurn(d, { conv, state: t.state, events, lastInboundAt: t.lastInboundAt, now }, out);
  const state = monitored?.state ?? t.state;
  if (monitored?.closedReason && !closedReason) closedReason = monitored.closedReason;
  if (closedReason) ownershipActions.push({ type: 'close' });
  const change = ownershipActions.length ? changeOwnership(conversations, conv, ownershipActions, now, { skipRefused: true }) : undefined;
  const owner = change?.ok ? change.ownership.owner : conv.owner;
  conversations.saveProgress(conv.id, {
    state: JSON.stringify(state),
    stepId: state.stepId,
    lang: state.lang,
    caseId: t.caseId,
    closedReason,
    optedOut,
    lastInboundAt: t.lastInboundAt,
    lastOutboundAt: messageIds.length ? now : null,
    now,
  });
  if (messageIds.length) {
    out.outboxIds.push(addOutbox(outbox, { kind: 'send', conversationId: conv.id, payload: { messageIds, inboundAt: t.inboundAt } }, now));
  }
  if (t.arm?.length && t.flow && owner === 'bot' && state.status === 'active' && state.stepId) {
    const s = t.flow.settings;
    for (const timer of t.arm) {
      const delayMs = durationMs(timer === 'reminder' ? s.reminder_after : s.expire_after);
      out.timers.push({ timer, conversationId: conv.id, channel: conv.channel, channelUserId: conv.channelUserId, delayMs });
    }
  }
  out.live.push({ type: 'conversation.updated', conversationId: conv.id, at: now });
  return out;
}
