import { randomBytes } from 'node:crypto';
import type { InboundMessage } from '../../domain/channel.js';
import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import { sameName } from '../../flow/answers/index.js';
import { initialState } from '../../flow/engine.js';
import type { ConversationState, EngineEvent } from '../../flow/types.js';
import { hashStartCode } from './identify-case.js';
import type { TurnDeps } from './turn-deps.js';
import type { TurnOutcome } from './turn-outcome.js';

/**
 * Telegram cannot write first (issue 16). A patient interviewed on Telegram is offered, at the end, a message to forward to
 * contacts who prefer Telegram, with a deep link (`case.contact_invite_link`). Opening it starts the contact flow in a chat
 * linked to NO case, so nothing in that chat says who sent it; the person proves who they are by typing their name, which is
 * compared with the names this case gave (`contact.invite_names`), and the flow ends at `invite_identified`.
 */

/** The flow a contact invite opens. */
export const CONTACT_FLOW = 'contact-notification';
/** The end step of the contact flow when the typed name matched one of the case's contacts. */
export const INVITE_IDENTIFIED_STEP = 'invite_identified';

/** For a Telegram chat on the interview: the state with a fresh invite link in `case.contact_invite_link`, issued once. */
export function withContactInvite(d: TurnDeps, conv: ConversationRecord, state: ConversationState, caseId: number | null, now: number): ConversationState {
  const inv = d.contactInvites;
  if (!inv || conv.channel !== 'telegram' || caseId === null || conv.flowId !== d.defaultFlow) return state;
  const has = state.case.contact_invite_link;
  if (typeof has === 'string' && has !== '') return state;
  const username = inv.botUsername();
  if (username === undefined) return state;
  const code = randomBytes(16).toString('base64url');
  d.stores.contactInvites.issue(caseId, hashStartCode(code), now);
  return { ...state, case: { ...state.case, contact_invite_link: `https://t.me/${username}?start=${code}` } };
}

/** A `/start <code>` that is a contact invite: a new conversation on the contact flow, linked to no case; else undefined. */
export function openInviteConversation(d: TurnDeps, m: InboundMessage, now: number): ConversationRecord | undefined {
  if (!d.contactInvites || m.content.kind !== 'start' || !m.content.code) return undefined;
  const caseId = d.stores.contactInvites.caseIdByCode(hashStartCode(m.content.code));
  if (caseId === undefined) return undefined;
  const latest = d.flows.latest(CONTACT_FLOW);
  if (!latest) return undefined;
  const names = d.stores.contactInvites.contactsOf(caseId).map((c) => c.name);
  const lang = d.stores.cases.byId(caseId)?.language ?? latest.flow.default_language;
  const state = initialState(latest.flow, { lang, contact: { invite_names: names, invite_case_id: caseId } });
  return d.stores.conversations.insert({
    channel: m.channel,
    channelUserId: m.channelUserId,
    caseId: null,
    flowId: latest.flowId,
    flowVersion: latest.version,
    state: JSON.stringify(state),
    lang,
    now,
  });
}

/**
 * After a turn of an invite chat that ended at `invite_identified`: the one contact of the case whose name was typed is
 * handed to the monitoring service. With no single match, or nobody to hand it to, the chat goes to a tracer to link by
 * hand: the events returned (an escalation) join the turn's, so escalations keep their one home.
 */
export function afterInviteTurn(d: TurnDeps, conv: ConversationRecord, state: ConversationState, events: readonly EngineEvent[], now: number, out: TurnOutcome): EngineEvent[] {
  if (conv.flowId !== CONTACT_FLOW || !events.some((e) => e.type === 'completed' && e.step === INVITE_IDENTIFIED_STEP)) return [];
  const caseId = state.contact?.invite_case_id;
  const typed = state.answers.typed_name;
  if (typeof caseId === 'number' && typeof typed === 'string') {
    const matches = d.stores.contactInvites.contactsOf(caseId).filter((c) => sameName(typed, c.name));
    const who = matches.length === 1 ? { contactId: matches[0]!.id, caseId, conversationId: conv.id, channel: conv.channel, channelUserId: conv.channelUserId } : undefined;
    if (who && d.contactInvites?.identified?.(who, now, out)) return [];
  }
  return [{ type: 'escalated', step: INVITE_IDENTIFIED_STEP, reason: 'flow_handoff', priority: 'normal', detail: 'invite_identified' }];
}
