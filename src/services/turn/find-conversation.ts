import type { InboundMessage } from '../../domain/channel.js';
import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import { initialState } from '../../flow/engine.js';
import type { ConversationState } from '../../flow/types.js';
import { changeOwnership } from '../change-ownership.js';
import { recordEscalation } from '../escalations.js';
import { openInviteConversation } from './contact-invite.js';
import { caseContext, identifyCase } from './identify-case.js';
import { unlinkedVerificationFields } from './identity-context.js';
import { linkedVerificationState, verifies } from './identity-flow.js';
import type { TurnDeps } from './turn-deps.js';
import type { TurnOutcome } from './turn-outcome.js';

/** Which conversation a patient message belongs to. */
export type FoundConversation =
  /** `isNew`: opened by this message; `reopened`: a closed chat came back. */
  | { kind: 'found'; conv: ConversationRecord; isNew: boolean; reopened: boolean }
  /** The patient opted out earlier: keep what they send, never answer again. */
  | { kind: 'opted_out'; conv: ConversationRecord }
  /** No open chat and no published flow to start one. */
  | { kind: 'no_flow' };

/**
 * Find the chat's open conversation; otherwise reopen its last closed one, or open a new one on the right flow (the identity
 * check for unlinked chats on verifying channels, else the default interview). Inside the turn's transaction.
 */
export function findConversation(d: TurnDeps, m: InboundMessage, now: number, out: TurnOutcome): FoundConversation {
  const { conversations } = d.stores;
  const open = conversations.openForChat(m.channel, m.channelUserId);
  if (open) return { kind: 'found', conv: open, isNew: false, reopened: false };
  const last = conversations.latestForChat(m.channel, m.channelUserId);
  if (last?.optedOut) return { kind: 'opted_out', conv: last };
  if (last && last.owner === 'closed') return { kind: 'found', conv: reopen(d, last, now, out), isNew: false, reopened: true };
  const conv = openInviteConversation(d, m, now) ?? openConversation(d, m, now);
  return conv ? { kind: 'found', conv, isNew: true, reopened: false } : { kind: 'no_flow' };
}

/**
 * A patient writes again after the chat was closed: the same conversation comes back to the bot, unless its interview was
 * not completed; then it goes back to a person (the patient had been with a tracer) through an escalation.
 */
function reopen(d: TurnDeps, last: ConversationRecord, now: number, out: TurnOutcome): ConversationRecord {
  const state = JSON.parse(last.state) as ConversationState;
  const toTracer = state.status !== 'completed';
  const change = changeOwnership(d.stores.conversations, last, toTracer ? [{ type: 'reopen' }, { type: 'escalate' }] : [{ type: 'reopen' }], now, {
    closedReason: null,
  });
  if (!change.ok || !change.written) return last;
  if (change.ownership.owner === 'tracer') {
    const r = recordEscalation(
      d.stores,
      { conversationId: last.id, caseId: last.caseId, reason: 'patient_asked', priority: 'normal', detail: 'wrote again after the chat was resolved', stepId: state.stepId },
      change.ownership.assigneeId,
      now,
    );
    out.live.push(...r.live);
    out.outboxIds.push(...r.outboxIds);
  }
  return { ...last, ...change.ownership, closedReason: null };
}

/**
 * Open a conversation for a chat that has none. On every channel it starts with the identity check when one is published
 * (issue 17: nothing about a case is said before the person proved who they are), linked to the case a start code or the
 * sender's phone points at; without one, straight on the interview (tests and the simulator run it so).
 */
function openConversation(d: TurnDeps, m: InboundMessage, now: number): ConversationRecord | undefined {
  const { caseId, status } = identifyCase(d.stores.cases, m, now);
  const verify = verifies(d);
  const latest = d.flows.latest(verify ? d.verifyFlow! : d.defaultFlow);
  if (!latest) return undefined;
  const ctx = caseId !== null ? caseContext(d.stores.cases, caseId) : undefined;
  const lang = ctx?.lang ?? latest.flow.default_language;
  const state = verify
    ? caseId !== null
      ? linkedVerificationState(latest.flow, d, caseId, 'patient')
      : initialState(latest.flow, { lang, case: unlinkedVerificationFields(status, 0) })
    : initialState(latest.flow, { lang, case: ctx ? ctx.fields : {} });
  if (!state) return undefined;
  return d.stores.conversations.insert({
    channel: m.channel,
    channelUserId: m.channelUserId,
    caseId,
    flowId: latest.flowId,
    flowVersion: latest.version,
    state: JSON.stringify(state),
    lang,
    now,
  });
}
