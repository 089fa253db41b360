import type { InboundMessage } from '../../domain/channel.js';
import type { MailboxItem } from '../../domain/mailbox-item.js';
import { botMaySpeak } from '../../domain/ownership.js';
import { initialState, step } from '../../flow/engine.js';
import type { ConversationState, EngineInput } from '../../flow/types.js';
import { afterInviteTurn, withContactInvite } from './contact-invite.js';
import { findConversation } from './find-conversation.js';
import { caseContext, identifyCase } from './identify-case.js';
import { afterVerification, linkedVerificationState, relinkVerification, verifies } from './identity-flow.js';
import { projectTurn, type TurnToProject } from './project-turn.js';
import { recordInbound, toEngineInput } from './transcript.js';
import type { TurnDeps } from './turn-deps.js';
import { durationMs, emptyOutcome, type TurnOutcome } from './turn-outcome.js';

type TimerItem = Extract<MailboxItem, { type: 'timer' }>;
type OutreachItem = Extract<MailboxItem, { type: 'outreach' }>;

/**
 * Runs one mailbox item (a patient message, a timer or an outreach) through a conversation: finds or opens the conversation,
 * records the transcript, runs the engine when the bot owns the chat, and writes state, answers, escalations and the
 * outbox in ONE IMMEDIATE transaction. Idempotent: a message already recorded (same channel message id) has no further
 * effect. Keeps no state between calls.
 */
export class ConversationService {
  constructor(private readonly d: TurnDeps) {}

  /** Handle one mailbox item at time `now`. */
  handle(item: MailboxItem, now: number): TurnOutcome {
    const { stores } = this.d;
    return stores.transactions.transaction(() => {
      if (item.type === 'message') {
        // In the turn's transaction: after a Redis reset, exactly the messages whose turn never committed go back (issue 12).
        stores.inbound.markHandled(item.message.channel, item.message.channelMessageId, now);
        return this.keepTimers(this.message(item.message, item.enqueuedAt, now), now);
      }
      // Fired before the turn runs: an early timer re-arms itself below, which sets it back to pending.
      if (item.type === 'timer') stores.timers.markFired(item.conversationId, item.timer, now);
      if (item.type === 'monitoring') return this.keepTimers(this.d.monitoring ? this.d.monitoring.start(this.d, item, now) : emptyOutcome(), now);
      return this.keepTimers(item.type === 'timer' ? this.timer(item, now) : this.outreach(item, now), now);
    });
  }

  /**
   * Give a conversation back to the bot (ownership must already be `bot`): run the engine's resume turn.
   * Returns the outcome to dispatch.
   */
  resume(conversationId: number, stepId: string | undefined, now: number): TurnOutcome {
    return this.d.stores.transactions.transaction(() => {
      const out = emptyOutcome();
      const conv = this.d.stores.conversations.byId(conversationId);
      if (!conv || conv.owner !== 'bot') return out;
      out.conversationId = conv.id;
      const flow = this.d.flows.get(conv.flowId, conv.flowVersion);
      if (!flow) return out;
      const state = JSON.parse(conv.state) as ConversationState;
      const turn = step(flow, state, stepId ? { kind: 'resume', stepId } : { kind: 'resume' }, { now }, { defaultCountry: this.d.defaultCountry });
      const t: TurnToProject = { conv, state: turn.state, caseId: conv.caseId, now, lastInboundAt: null, inboundAt: null, flow, arm: ['reminder', 'expire'] };
      return this.keepTimers(projectTurn(this.d, t, turn.events, out), now);
    });
  }

  /** Store the timers a turn arms (with their due time, in the turn's transaction); Redis delayed jobs only cache them. */
  private keepTimers(out: TurnOutcome, now: number): TurnOutcome {
    for (const t of out.timers) this.d.stores.timers.arm(t.conversationId, t.timer, now + t.delayMs, now);
    return out;
  }

  private message(m: InboundMessage, inboundAt: number, now: number): TurnOutcome {
    const { d } = this;
    const out = emptyOutcome();
    if (d.stores.messages.inboundExists(m.channel, m.channelMessageId)) return { ...out, duplicate: true };
    const found = findConversation(d, m, now, out);
    if (found.kind === 'no_flow') {
      out.errors.push('flow:no_published_flow');
      return out;
    }
    recordInbound(d.stores.messages, found.conv, m, now, out);
    if (found.kind === 'opted_out') return out;
    let { conv, isNew } = found;
    out.conversationId = conv.id;

    let caseId = conv.caseId;
    if (caseId === null && !isNew) {
      caseId = identifyCase(d.stores.cases, m, now).caseId;
      const switched = caseId !== null ? relinkVerification(d, conv, caseId, now) : undefined;
      if (switched) {
        conv = switched;
        isNew = true;
      }
    }
    if (caseId !== null) d.stores.cases.markReached(caseId, now);

    const flow = d.flows.get(conv.flowId, conv.flowVersion);
    let state = JSON.parse(conv.state) as ConversationState;
    // A chat on the interview without a case (no identity check published) learns its case; a verifying one already did.
    if (caseId !== null && caseId !== conv.caseId && conv.flowId !== d.verifyFlow) {
      const ctx = caseContext(d.stores.cases, caseId);
      state = { ...state, case: ctx.fields, lang: isNew ? ctx.lang : state.lang };
    }
    const arm: TurnToProject['arm'] = isNew || found.reopened ? ['reminder', 'expire'] : [];
    const base: TurnToProject = { conv, state, caseId, now, lastInboundAt: now, inboundAt, arm };

    if (!flow) {
      out.errors.push('flow:missing_version');
      return projectTurn(d, base, [], out);
    }
    // A tracer has this chat: the bot stays silent, the message shows up live in the inbox.
    if (!botMaySpeak(conv)) return projectTurn(d, base, [], out);
    const input: EngineInput | null = isNew ? { kind: 'start' } : toEngineInput(m.content);
    if (!input) return projectTurn(d, base, [], out);
    state = withContactInvite(d, conv, state, caseId, now);
    const turn = step(flow, state, input, { now }, { defaultCountry: d.defaultCountry });
    if (conv.flowId === d.verifyFlow && turn.events.some((e) => e.type === 'completed')) {
      const next = afterVerification(d, conv, turn.state, now);
      if (next) {
        const events = [...turn.events.filter((e) => e.type !== 'completed'), ...next.events];
        return projectTurn(d, { ...base, caseId: next.caseId, state: next.state, flow: next.flow }, events, out);
      }
    }
    const invite = afterInviteTurn(d, conv, turn.state, turn.events, now, out);
    return projectTurn(d, { ...base, state: turn.state, flow }, [...turn.events, ...invite], out);
  }

  /**
   * Outreach: open a chat for a case we write to first and run its first turn: the identity check's neutral message (it
   * names no diagnosis, result or date of birth; issue 17), or the interview's when no identity check is published. A chat
   * that is already open (the patient wrote first, or outreach ran twice) is left alone.
   */
  private outreach(item: OutreachItem, now: number): TurnOutcome {
    const { d } = this;
    const { conversations, cases } = d.stores;
    const out = emptyOutcome();
    if (conversations.openForChat(item.channel, item.channelUserId)) return out;
    if (conversations.latestForChat(item.channel, item.channelUserId)?.optedOut) return out;
    const verify = verifies(d);
    const latest = d.flows.latest(verify ? d.verifyFlow! : d.defaultFlow);
    const c = cases.byId(item.caseId);
    if (!latest || !c) return out;
    const state = verify ? linkedVerificationState(latest.flow, d, c.id, 'outreach') : initialState(latest.flow, { lang: c.language, case: caseContext(cases, c.id).fields });
    if (!state) return out;
    const conv = conversations.insert({
      channel: item.channel,
      channelUserId: item.channelUserId,
      caseId: c.id,
      flowId: latest.flowId,
      flowVersion: latest.version,
      state: JSON.stringify(state),
      lang: c.language,
      now,
    });
    out.conversationId = conv.id;
    cases.setStatus(c.id, 'contacting', now);
    const turn = step(latest.flow, state, { kind: 'start' }, { now }, { defaultCountry: d.defaultCountry });
    const t: TurnToProject = { conv, state: turn.state, caseId: c.id, now, lastInboundAt: null, inboundAt: null, flow: latest.flow, arm: ['reminder', 'expire'] };
    return projectTurn(d, t, turn.events, out);
  }

  /**
   * A timer fired. It is void when a tracer has the chat or the bot is not waiting; early (the patient or the bot spoke since
   * it was armed) it re-arms for the remaining time; due, it sends the reminder (or closes the chat as expired).
   */
  private timer(item: TimerItem, now: number): TurnOutcome {
    const { d } = this;
    const out = emptyOutcome();
    const conv = d.stores.conversations.byId(item.conversationId);
    if (!conv || conv.owner !== 'bot') return out;
    const flow = d.flows.get(conv.flowId, conv.flowVersion);
    if (!flow) return out;
    const state = JSON.parse(conv.state) as ConversationState;
    if (state.status !== 'active' || !state.stepId) return out;
    out.conversationId = conv.id;
    const s = flow.settings;
    const due =
      item.timer === 'reminder'
        ? Math.max(conv.lastInboundAt ?? 0, conv.lastOutboundAt ?? 0, conv.createdAt) + durationMs(s.reminder_after)
        : (conv.lastInboundAt ?? conv.createdAt) + durationMs(s.expire_after);
    if (now < due) {
      out.timers.push({ timer: item.timer, conversationId: conv.id, channel: conv.channel, channelUserId: conv.channelUserId, delayMs: due - now });
      return out;
    }
    const base: TurnToProject = { conv, state, caseId: conv.caseId, now, lastInboundAt: null, inboundAt: null };
    if (item.timer === 'expire') return projectTurn(d, { ...base, closedReason: 'expired' }, [], out);
    const turn = step(flow, state, { kind: 'reminder' }, { now }, { defaultCountry: d.defaultCountry });
    return projectTurn(d, { ...base, state: turn.state, flow, arm: ['reminder'] }, turn.events, out);
  }
}
