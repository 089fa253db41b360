import type { MailboxItem } from '../../domain/mailbox-item.js';
import type { MonitoringPolicy } from '../../domain/monitoring.js';
import type { ConversationRecord, EnrolmentRecord, Repositories } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';
import type { FlowDefinition } from '../../flow/definition.js';
import { initialState, step } from '../../flow/engine.js';
import type { ConversationState } from '../../flow/types.js';
import { changeOwnership } from '../change-ownership.js';
import { caseContext } from '../turn/identify-case.js';
import { addEvent } from '../outbox.js';
import { projectTurn } from '../turn/project-turn.js';
import type { InviteIdentified, TurnDeps } from '../turn/turn-deps.js';
import { emptyOutcome, type TurnOutcome } from '../turn/turn-outcome.js';
import { MonitoringFlowIds, runContext, type RunStage } from './context.js';
import { enrolPending } from './enrol.js';
import { release, releaseReason } from './outcomes.js';

type MonitoringItem = Extract<MailboxItem, { type: 'monitoring' }>;

/** What the runs need besides the turn's dependencies. */
export interface RunOptions {
  policy(): MonitoringPolicy;
}

/** A fresh run of a contact flow with its context (state roots `contact` and `monitoring` next to `case`). */
export function contactRunState(flow: FlowDefinition, e: EnrolmentRecord, name: string, today: string, policy: MonitoringPolicy, stage: RunStage): ConversationState {
  return Object.assign(initialState(flow, { lang: e.lang }), runContext(e, name, today, policy, stage));
}

/**
 * Make the chat free for a new run: an open conversation the bot holds is closed (yesterday's check-in, a finished run);
 * false when a tracer holds it or a case interview is running in it (the new run waits for them).
 */
function freeChat(d: TurnDeps, open: ConversationRecord | undefined, now: number): boolean {
  if (!open) return true;
  if (open.owner !== 'bot') return false;
  const state = JSON.parse(open.state) as ConversationState;
  const ours = open.flowId === MonitoringFlowIds.notify || open.flowId === MonitoringFlowIds.checkin;
  if (!ours && state.status !== 'completed') return false;
  const change = changeOwnership(d.stores.conversations, open, [{ type: 'close' }], now, { closedReason: ours && state.status !== 'completed' ? 'expired' : 'completed' });
  return change.ok && change.written;
}

/**
 * Open a contact's run for a monitoring item, in the turn's transaction: the notification (first message), a day's check-in,
 * or the release message. Each item has one effect: the record's notify status and the check-in's status say whether it
 * ran already.
 */
export function startRun(d: TurnDeps, o: RunOptions, item: MonitoringItem, now: number): TurnOutcome {
  const out = emptyOutcome();
  const m = d.stores.monitoring;
  const e = m.byId(item.enrolmentId);
  if (!e) return out;
  const policy = o.policy();
  const today = localDate(now, policy.timeZone);
  const { conversations } = d.stores;
  const skip = () => {
    if (item.checkinId !== undefined) m.skipCheckin(item.checkinId, now);
    return out;
  };
  if (item.action === 'interview') return startInterview(d, e, item, now);
  let stage: RunStage = 'checkin';
  if (item.action === 'notify') {
    if (e.status !== 'active' || e.notifyStatus === 'sent') return out;
  } else if (item.action === 'checkin') {
    const k = item.checkinId !== undefined ? m.checkinById(item.checkinId) : undefined;
    if (!k || e.status !== 'active' || (k.status !== 'planned' && k.status !== 'queued')) return out;
  } else {
    const reason = releaseReason(e, today);
    if (!reason) return out;
    const fx = { outboxIds: out.outboxIds };
    release(d.stores, e, reason, now, fx);
    stage = 'release';
  }
  if (conversations.latestForChat(item.channel, item.channelUserId)?.optedOut) {
    if (item.action === 'notify') m.markNeedsCall(e.id, 'opted_out', now);
    return skip();
  }
  if (!freeChat(d, conversations.openForChat(item.channel, item.channelUserId), now)) {
    if (item.action === 'notify') m.markNeedsCall(e.id, 'chat_busy', now);
    return skip();
  }
  const latest = d.flows.latest(item.action === 'notify' ? MonitoringFlowIds.notify : MonitoringFlowIds.checkin);
  if (!latest) {
    out.errors.push('flow:no_published_flow');
    return skip();
  }
  const name = m.contact(e.contactId)?.name ?? '';
  const state = contactRunState(latest.flow, e, name, today, policy, stage);
  const conv = conversations.insert({
    channel: item.channel,
    channelUserId: item.channelUserId,
    caseId: null,
    flowId: latest.flowId,
    flowVersion: latest.version,
    state: JSON.stringify(state),
    lang: state.lang,
    now,
  });
  out.conversationId = conv.id;
  if (item.action === 'notify' && m.markNotified(e.id, now)) {
    out.outboxIds.push(addEvent(d.stores.outbox, conv.id, 'contact.notified', { contactId: e.contactId, enrolmentId: e.id, conversationId: conv.id, notifiedAt: now }, now));
  }
  if (item.action === 'checkin' && item.checkinId !== undefined) m.startCheckin(item.checkinId, conv.id, now);
  // A person who proved who they are elsewhere (a Telegram invite) starts at the exposure message, past the name check.
  const proven = item.action === 'notify' && e.repliedAt !== null && latest.flow.steps.some((x) => x.id === 'exposure');
  const turn = step(latest.flow, state, proven ? { kind: 'resume', stepId: 'exposure' } : { kind: 'start' }, { now }, { defaultCountry: d.defaultCountry });
  // The notification keeps the flow's reminders and expiry (a contact who never answers goes to a tracer); check-ins arm
  // none: the tick counts unanswered ones itself.
  const arm: ('reminder' | 'expire')[] = item.action === 'notify' ? ['reminder', 'expire'] : [];
  return projectTurn(d, { conv, state: turn.state, caseId: null, now, lastInboundAt: null, inboundAt: null, flow: latest.flow, arm }, turn.events, out);
}

/**
 * A contact who tested positive becomes a case and the case interview starts at once in the chat where they already proved
 * who they are (by typing their name), so it opens on the interview itself, not on the identity check of a stranger's chat.
 */
function startInterview(d: TurnDeps, e: EnrolmentRecord, item: MonitoringItem, now: number): TurnOutcome {
  const out = emptyOutcome();
  const { conversations, cases } = d.stores;
  const c = e.becameCaseId !== null ? cases.byId(e.becameCaseId) : undefined;
  const latest = d.flows.latest(d.defaultFlow);
  if (!c || !latest || c.status !== 'new') return out;
  if (conversations.latestForChat(item.channel, item.channelUserId)?.optedOut) return out;
  if (!freeChat(d, conversations.openForChat(item.channel, item.channelUserId), now)) return out;
  const ctx = caseContext(cases, c.id);
  const state = initialState(latest.flow, { lang: ctx.lang, case: ctx.fields });
  const conv = conversations.insert({ channel: item.channel, channelUserId: item.channelUserId, caseId: c.id, flowId: latest.flowId, flowVersion: latest.version, state: JSON.stringify(state), lang: ctx.lang, now });
  out.conversationId = conv.id;
  cases.setStatus(c.id, 'contacting', now);
  cases.markReached(c.id, now);
  const turn = step(latest.flow, state, { kind: 'start' }, { now }, { defaultCountry: d.defaultCountry });
  return projectTurn(d, { conv, state: turn.state, caseId: c.id, now, lastInboundAt: null, inboundAt: null, flow: latest.flow, arm: ['reminder', 'expire'] }, turn.events, out);
}

/**
 * A contact who opened a forwarded Telegram invite and typed their name (issue 16): their chat becomes the record's chat,
 * identity proven, and the notification run follows there (from the exposure message: the name check is done). Inside the
 * invite turn's transaction; false when the contact is not followed (the chat then goes to a tracer).
 */
export function linkInviteChat(stores: Pick<Repositories, 'monitoring' | 'transactions'>, o: RunOptions, who: InviteIdentified, now: number, out: TurnOutcome): boolean {
  const m = stores.monitoring;
  let e = m.activeByContact(who.contactId);
  if (!e) {
    enrolPending(stores, o.policy(), now);
    e = m.activeByContact(who.contactId);
  }
  if (!e || e.notifyStatus === 'sent') return false;
  m.markQueued(e.id, who.channel, who.channelUserId, now);
  m.markReplied(e.id, now);
  out.followUps.push({ type: 'monitoring', action: 'notify', enrolmentId: e.id, channel: who.channel, channelUserId: who.channelUserId, id: `invite-${e.id}`, enqueuedAt: now });
  return true;
}
