import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { InboundContent, InboundMessage } from '../domain/channel.js';
import { tx, type Db } from '../db/index.js';
import { botMaySpeak, isRefusal, transition, type Owner } from '../domain/ownership.js';
import type { FlowDefinition, Lang } from '../flow/definition.js';
import { initialState, step } from '../flow/engine.js';
import type { ConversationState, EngineEvent, EngineInput } from '../flow/types.js';
import type { MailboxItem } from '../domain/mailbox-item.js';
import type { FlowRegistry } from './flow-registry.js';
import type { LiveEvent } from '../domain/live-events.js';

/**
 * A reminder or expiry timer to arm: delivered back through the chat's mailbox. Timers are armed when a conversation starts
 * waiting and re-armed lazily when one fires early (the patient answered since), so an ordinary turn costs no timer work.
 */
export interface TimerRequest {
  timer: 'reminder' | 'expire';
  conversationId: number;
  channel: InboundMessage['channel'];
  channelUserId: string;
  delayMs: number;
}

type TimerKind = TimerRequest['timer'];

/** What one handled mailbox item committed; the caller dispatches the outbox, arms timers and publishes live events. */
export interface TurnOutcome {
  conversationId: number | null;
  outboxIds: number[];
  live: LiveEvent[];
  timers: TimerRequest[];
  /** Engine problems (`area:reason`) for the log. */
  errors: string[];
  duplicate: boolean;
}

export interface ConversationServiceOptions {
  db: Db;
  flows: FlowRegistry;
  defaultFlow: string;
  defaultCountry: string;
  /** The flow that confirms who an unlinked chat is (case number + date of birth) before the interview. */
  verifyFlow?: string;
  /** Channels whose unlinked chats must verify first (the fake channel is a development tool and skips it). */
  verifyChannels?: ReadonlySet<InboundMessage['channel']>;
}

/** Why a chat is not linked to a case yet; the verification flow words its first message by it. */
type CodeStatus = 'none' | 'used' | 'expired' | 'unknown' | 'not_found';

interface ConversationRow {
  id: number;
  channel: InboundMessage['channel'];
  channel_user_id: string;
  case_id: number | null;
  flow_id: string;
  flow_version: number;
  state: string;
  owner: Owner;
  assignee_id: number | null;
  opted_out: number;
  lang: Lang;
  inbound_seq: number;
  last_inbound_at: number | null;
  last_outbound_at: number | null;
  created_at: number;
}

interface CaseRow {
  id: number;
  external_id: string;
  name: string;
  language: Lang;
  area: string | null;
  test_date: string | null;
  date_of_birth: string | null;
  start_code_expires_at: number | null;
  start_code_used_at: number | null;
  first_reached_at: number | null;
}

const durationMs = (d: string): number => {
  const n = Number(d.slice(0, -1));
  const unit = d.at(-1);
  return n * (unit === 's' ? 1e3 : unit === 'm' ? 60e3 : unit === 'h' ? 3600e3 : 86400e3);
};

/** SHA-256 of a start code: only hashes are stored, so a database leak does not leak working links. */
export function hashStartCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** The engine input a patient's message becomes. */
function toEngineInput(content: InboundContent): EngineInput | null {
  switch (content.kind) {
    case 'text':
      return { kind: 'text', text: content.text };
    case 'choice':
      return { kind: 'choice', value: content.value };
    case 'contacts':
      return { kind: 'contacts', contacts: content.contacts };
    case 'media':
      return { kind: 'media', media: content.media };
    case 'location':
      return { kind: 'location', latitude: content.latitude, longitude: content.longitude };
    case 'start':
      return { kind: 'start' };
    case 'edited':
      // An edit of an old answer is kept in the transcript for the tracer; re-running the flow on it would be surprising.
      return null;
  }
}

function transcriptText(content: InboundContent): string | null {
  switch (content.kind) {
    case 'text':
    case 'edited':
      return content.text;
    case 'choice':
      return content.label ?? content.value;
    case 'start':
      return content.code ? '/start' : '/start';
    case 'media':
      return content.caption ?? null;
    default:
      return null;
  }
}

/**
 * Runs one mailbox item (a patient message or a timer) through a conversation: finds or opens the conversation, records the
 * transcript, runs the engine when the bot owns the chat, and writes state, answers, escalations and the outbox in ONE SQLite
 * transaction. Idempotent: a message already recorded (same channel message id) has no further effect.
 */
export class ConversationService {
  private readonly st: Record<string, Statement>;

  constructor(private readonly o: ConversationServiceOptions) {
    const c = o.db.$client;
    this.st = {
      dup: c.prepare(`SELECT 1 FROM messages WHERE channel = ? AND channel_message_id = ? AND direction = 'in'`),
      openConv: c.prepare(`SELECT * FROM conversations WHERE channel = ? AND channel_user_id = ? AND owner <> 'closed'`),
      lastClosed: c.prepare(`SELECT * FROM conversations WHERE channel = ? AND channel_user_id = ? ORDER BY id DESC LIMIT 1`),
      convById: c.prepare(`SELECT * FROM conversations WHERE id = ?`),
      insertConv: c.prepare(
        `INSERT INTO conversations (channel, channel_user_id, case_id, flow_id, flow_version, step_id, state, owner, lang, created_at, updated_at)
         VALUES (@channel, @channelUserId, @caseId, @flowId, @flowVersion, NULL, @state, 'bot', @lang, @now, @now) RETURNING id`,
      ),
      insertMsg: c.prepare(
        `INSERT INTO messages (conversation_id, direction, sender, kind, text, payload, channel, channel_message_id, step_id, status, sent_at, created_at)
         VALUES (@conversationId, @direction, @sender, @kind, @text, @payload, @channel, @channelMessageId, @stepId, @status, @sentAt, @now) RETURNING id`,
      ),
      updateConv: c.prepare(
        `UPDATE conversations SET state = @state, step_id = @stepId, lang = @lang, owner = @owner, assignee_id = @assigneeId,
           closed_reason = @closedReason, opted_out = @optedOut, inbound_seq = @inboundSeq, last_inbound_at = COALESCE(@lastInboundAt, last_inbound_at),
           last_outbound_at = COALESCE(@lastOutboundAt, last_outbound_at), case_id = @caseId, revision = revision + 1, updated_at = @now
         WHERE id = @id`,
      ),
      upsertAnswer: c.prepare(
        `INSERT INTO answers (conversation_id, case_id, key, value, raw, step_id, created_at, updated_at)
         VALUES (@conversationId, @caseId, @key, @value, @raw, @stepId, @now, @now)
         ON CONFLICT (conversation_id, key) DO UPDATE SET value = excluded.value, raw = excluded.raw, step_id = excluded.step_id, updated_at = excluded.updated_at`,
      ),
      insertEscalation: c.prepare(
        `INSERT INTO escalations (conversation_id, reason, detail, priority, status, step_id, waiting_since, created_at, updated_at)
         VALUES (@conversationId, @reason, @detail, @priority, 'open', @stepId, @now, @now, @now) RETURNING id`,
      ),
      openEscalation: c.prepare(`SELECT id FROM escalations WHERE conversation_id = ? AND status <> 'resolved' LIMIT 1`),
      insertOutbox: c.prepare(
        `INSERT INTO outbox (kind, conversation_id, payload, available_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
      ),
      caseByCode: c.prepare(`SELECT * FROM cases WHERE start_code_hash = ?`),
      caseByPhone: c.prepare(
        `SELECT * FROM cases WHERE phone = ? AND status IN ('new', 'contacting', 'interviewing', 'needs_call') ORDER BY confirmed_at DESC LIMIT 1`,
      ),
      caseById: c.prepare(`SELECT * FROM cases WHERE id = ?`),
      caseByIdentity: c.prepare(
        `SELECT id FROM cases WHERE lower(external_id) = lower(?) AND date_of_birth = ? AND status <> 'opted_out' ORDER BY id DESC LIMIT 1`,
      ),
      setFlow: c.prepare(`UPDATE conversations SET flow_id = ?, flow_version = ? WHERE id = ?`),
      useCode: c.prepare(`UPDATE cases SET start_code_used_at = ?, updated_at = ? WHERE id = ? AND start_code_used_at IS NULL`),
      caseReached: c.prepare(
        `UPDATE cases SET first_reached_at = COALESCE(first_reached_at, @now), status = CASE WHEN status IN ('new', 'contacting', 'needs_call') THEN 'interviewing' ELSE status END, updated_at = @now WHERE id = @id`,
      ),
      caseStatus: c.prepare(`UPDATE cases SET status = @status, updated_at = @now WHERE id = @id`),
      caseCompleted: c.prepare(
        `UPDATE cases SET status = 'completed', interview_completed_at = COALESCE(interview_completed_at, @now), updated_at = @now WHERE id = @id`,
      ),
    };
  }

  /** Handle one mailbox item at time `now`. */
  handle(item: MailboxItem, now: number): TurnOutcome {
    this.inboundAt = item.enqueuedAt;
    return tx(this.o.db, () =>
      item.type === 'message' ? this.handleMessage(item.message, now) : item.type === 'timer' ? this.handleTimer(item, now) : this.handleOutreach(item, now),
    );
  }

  /** When the item being handled entered the pipeline: carried to the send job for the latency histogram. */
  private inboundAt = 0;

  private handleMessage(m: InboundMessage, now: number): TurnOutcome {
    const out = emptyOutcome();
    if (this.st.dup!.get(m.channel, m.channelMessageId)) return { ...out, duplicate: true };

    let conv = this.st.openConv!.get(m.channel, m.channelUserId) as ConversationRow | undefined;
    let isNew = false;
    let reopened = false;
    if (!conv) {
      const last = this.st.lastClosed!.get(m.channel, m.channelUserId) as ConversationRow | undefined;
      if (last?.opted_out) {
        // The patient opted out: keep what they sent, never answer again.
        this.recordInbound(last, m, now, out);
        return out;
      }
      if (last && this.canReopen(last)) {
        conv = this.reopen(last, now);
        reopened = true;
      } else {
        conv = this.open(m, now);
        if (!conv) {
          out.errors.push('flow:no_published_flow');
          return out;
        }
        isNew = true;
      }
    }
    out.conversationId = conv.id;
    const seq = conv.inbound_seq + 1;
    this.recordInbound(conv, m, now, out);

    let caseId = conv.case_id;
    if (caseId === null && !isNew) {
      const found = this.identify(m, now);
      if (found.caseId !== null && conv.flow_id === this.o.verifyFlow) {
        // A valid link opened in a chat that was verifying: skip the questions and start the interview.
        const latest = this.o.flows.latest(this.o.defaultFlow);
        if (latest) {
          this.st.setFlow!.run(latest.flowId, latest.version, conv.id);
          conv = { ...conv, flow_id: latest.flowId, flow_version: latest.version, state: JSON.stringify(initialState(latest.flow, { lang: this.caseLang(found.caseId), case: this.caseFields(found.caseId) })) };
          isNew = true;
        }
      }
      caseId = found.caseId;
    }
    if (caseId !== null) this.st.caseReached!.run({ id: caseId, now });

    const flow = this.o.flows.get(conv.flow_id, conv.flow_version);
    let state = JSON.parse(conv.state) as ConversationState;
    if (caseId !== null && caseId !== conv.case_id) state = { ...state, case: this.caseFields(caseId), lang: isNew ? this.caseLang(caseId) : state.lang };
    const arm: TimerKind[] = isNew || reopened ? ['reminder', 'expire'] : [];
    const base = { conv, state, caseId, seq, now, lastInboundAt: now, arm };

    if (!flow) {
      out.errors.push('flow:missing_version');
      return this.finish(base, [], out);
    }
    if (!botMaySpeak({ owner: conv.owner, assigneeId: conv.assignee_id })) {
      // A tracer has this chat: the bot stays silent, the message shows up live in the inbox.
      return this.finish(base, [], out);
    }
    const input: EngineInput | null = isNew ? { kind: 'start' } : toEngineInput(m.content);
    if (!input) return this.finish(base, [], out);
    const turn = step(flow, state, input, { now }, { defaultCountry: this.o.defaultCountry });
    if (conv.flow_id === this.o.verifyFlow && turn.events.some((e) => e.type === 'completed')) {
      const next = this.afterVerification(conv, turn.state, now);
      if (next) {
        const events = [...turn.events.filter((e) => e.type !== 'completed'), ...next.events];
        if (next.flowId !== conv.flow_id) this.st.setFlow!.run(next.flowId, next.flowVersion, conv.id);
        return this.finish({ ...base, caseId: next.caseId, state: next.state, flow: next.flow }, events, out);
      }
    }
    return this.finish({ ...base, state: turn.state, flow }, turn.events, out);
  }

  /**
   * Outreach: open a chat for a case we write to first and run the interview's first turn. A chat that is already open
   * (the patient wrote first, or outreach ran twice) is left alone.
   */
  private handleOutreach(item: Extract<MailboxItem, { type: 'outreach' }>, now: number): TurnOutcome {
    const out = emptyOutcome();
    if (this.st.openConv!.get(item.channel, item.channelUserId)) return out;
    const last = this.st.lastClosed!.get(item.channel, item.channelUserId) as ConversationRow | undefined;
    if (last?.opted_out) return out;
    const latest = this.o.flows.latest(this.o.defaultFlow);
    const c = this.st.caseById!.get(item.caseId) as CaseRow | undefined;
    if (!latest || !c) return out;
    const state = initialState(latest.flow, { lang: c.language, case: this.caseFields(c.id) });
    const row = this.st.insertConv!.get({
      channel: item.channel,
      channelUserId: item.channelUserId,
      caseId: c.id,
      flowId: latest.flowId,
      flowVersion: latest.version,
      state: JSON.stringify(state),
      lang: c.language,
      now,
    }) as { id: number };
    const conv = this.st.convById!.get(row.id) as ConversationRow;
    out.conversationId = conv.id;
    this.st.caseStatus!.run({ id: c.id, status: 'contacting', now });
    const turn = step(latest.flow, state, { kind: 'start' }, { now }, { defaultCountry: this.o.defaultCountry });
    return this.finish({ conv, state: turn.state, caseId: c.id, seq: 0, now, lastInboundAt: null, flow: latest.flow, arm: ['reminder', 'expire'] }, turn.events, out);
  }

  /**
   * A timer fired. It is void when a tracer has the chat or the bot is not waiting; early (the patient or the bot spoke since
   * it was armed) it re-arms for the remaining time; due, it sends the reminder (or closes the chat as expired).
   */
  private handleTimer(item: Extract<MailboxItem, { type: 'timer' }>, now: number): TurnOutcome {
    const out = emptyOutcome();
    const conv = this.st.convById!.get(item.conversationId) as ConversationRow | undefined;
    if (!conv || conv.owner !== 'bot') return out;
    const flow = this.o.flows.get(conv.flow_id, conv.flow_version);
    if (!flow) return out;
    const state = JSON.parse(conv.state) as ConversationState;
    if (state.status !== 'active' || !state.stepId) return out;
    out.conversationId = conv.id;
    const s = flow.settings;
    const due =
      item.timer === 'reminder'
        ? Math.max(conv.last_inbound_at ?? 0, conv.last_outbound_at ?? 0, conv.created_at) + durationMs(s.reminder_after)
        : (conv.last_inbound_at ?? conv.created_at) + durationMs(s.expire_after);
    if (now < due) {
      out.timers.push({ timer: item.timer, conversationId: conv.id, channel: conv.channel, channelUserId: conv.channel_user_id, delayMs: due - now });
      return out;
    }
    const base = { conv, state, caseId: conv.case_id, seq: conv.inbound_seq, now, lastInboundAt: null };
    if (item.timer === 'expire') return this.finish({ ...base, closedReason: 'expired' }, [], out);
    const turn = step(flow, state, { kind: 'reminder' }, { now }, { defaultCountry: this.o.defaultCountry });
    return this.finish({ ...base, state: turn.state, flow, arm: ['reminder'] }, turn.events, out);
  }

  /**
   * Give a conversation back to the bot (ownership must already be `bot`): run the engine's resume turn.
   * Returns the outcome to dispatch.
   */
  resume(conversationId: number, stepId: string | undefined, now: number): TurnOutcome {
    return tx(this.o.db, () => {
      const out = emptyOutcome();
      const conv = this.st.convById!.get(conversationId) as ConversationRow | undefined;
      if (!conv || conv.owner !== 'bot') return out;
      out.conversationId = conv.id;
      const flow = this.o.flows.get(conv.flow_id, conv.flow_version);
      if (!flow) return out;
      const state = JSON.parse(conv.state) as ConversationState;
      const turn = step(flow, state, stepId ? { kind: 'resume', stepId } : { kind: 'resume' }, { now }, { defaultCountry: this.o.defaultCountry });
      return this.finish(
        { conv, state: turn.state, caseId: conv.case_id, seq: conv.inbound_seq, now, lastInboundAt: null, flow, arm: ['reminder', 'expire'] },
        turn.events,
        out,
      );
    });
  }

  private canReopen(last: ConversationRow): boolean {
    return last.owner === 'closed' && !last.opted_out;
  }

  /** A patient writes again after a tracer resolved the chat: the same conversation comes back to the bot's side. */
  private reopen(last: ConversationRow, now: number): ConversationRow {
    const next = transition({ owner: last.owner, assigneeId: last.assignee_id }, { type: 'reopen' });
    if (isRefusal(next)) return last;
    const state = JSON.parse(last.state) as ConversationState;
    // An interview that was not completed goes back to a person: the patient had been with a tracer.
    const owner = state.status === 'completed' ? next.owner : 'tracer';
    this.st.updateConv!.run({
      id: last.id,
      state: last.state,
      stepId: state.stepId,
      lang: last.lang,
      owner,
      assigneeId: null,
      closedReason: null,
      optedOut: 0,
      inboundSeq: last.inbound_seq,
      lastInboundAt: null,
      lastOutboundAt: null,
      caseId: last.case_id,
      now,
    });
    if (owner === 'tracer') {
      this.st.insertEscalation!.run({ conversationId: last.id, reason: 'patient_asked', detail: 'wrote again after the chat was resolved', priority: 'normal', stepId: state.stepId, now });
    }
    return { ...last, owner, assignee_id: null };
  }

  private open(m: InboundMessage, now: number): ConversationRow | undefined {
    const { caseId, status } = this.identify(m, now);
    const verify = caseId === null && this.needsVerification(m.channel);
    const latest = this.o.flows.latest(verify ? this.o.verifyFlow! : this.o.defaultFlow);
    if (!latest) return undefined;
    const lang = caseId !== null ? this.caseLang(caseId) : latest.flow.default_language;
    const state = initialState(latest.flow, {
      lang,
      case: caseId !== null ? this.caseFields(caseId) : verify ? { code_status: status, attempts: 0 } : {},
    });
    const row = this.st.insertConv!.get({
      channel: m.channel,
      channelUserId: m.channelUserId,
      caseId,
      flowId: latest.flowId,
      flowVersion: latest.version,
      state: JSON.stringify(state),
      lang,
      now,
    }) as { id: number };
    return this.st.convById!.get(row.id) as ConversationRow;
  }

  /** Redeem a single-use start code: the case id, or why it cannot be used. */
  private linkByCode(code: string, now: number): { caseId: number } | { status: CodeStatus } {
    const c = this.st.caseByCode!.get(hashStartCode(code)) as CaseRow | undefined;
    if (!c) return { status: 'unknown' };
    if (c.start_code_used_at !== null) return { status: 'used' };
    if (c.start_code_expires_at !== null && c.start_code_expires_at < now) return { status: 'expired' };
    this.st.useCode!.run(now, now, c.id);
    return { caseId: c.id };
  }

  /** Find the case an inbound message identifies: a valid start code, or the sender's phone number. */
  private identify(m: InboundMessage, now: number): { caseId: number | null; status: CodeStatus } {
    let status: CodeStatus = 'none';
    if (m.content.kind === 'start' && m.content.code) {
      const r = this.linkByCode(m.content.code, now);
      if ('caseId' in r) return { caseId: r.caseId, status: 'none' };
      status = r.status;
    }
    if (m.phone) {
      const c = this.st.caseByPhone!.get(m.phone) as CaseRow | undefined;
      if (c) return { caseId: c.id, status: 'none' };
    }
    return { caseId: null, status };
  }

  private needsVerification(channel: InboundMessage['channel']): boolean {
    return Boolean(this.o.verifyFlow && this.o.verifyChannels?.has(channel) && this.o.flows.latest(this.o.verifyFlow));
  }

  /**
   * The verification flow finished: look for a case with that case number and date of birth. On a match the chat is linked
   * and the interview starts; otherwise the verification runs again, and after 3 misses it goes to a tracer.
   */
  private afterVerification(
    conv: ConversationRow,
    state: ConversationState,
    now: number,
  ): { caseId: number | null; flowId: string; flowVersion: number; flow: FlowDefinition; state: ConversationState; events: EngineEvent[] } | undefined {
    const number = typeof state.answers.case_number === 'string' ? state.answers.case_number.trim() : '';
    const dob = typeof state.answers.date_of_birth === 'string' ? state.answers.date_of_birth : '';
    const match = this.st.caseByIdentity!.get(number, dob) as { id: number } | undefined;
    if (match) {
      const latest = this.o.flows.latest(this.o.defaultFlow);
      if (!latest) return undefined;
      this.st.caseReached!.run({ id: match.id, now });
      // The case's language, unless the patient switched language while verifying.
      const verify = this.o.flows.get(conv.flow_id, conv.flow_version);
      const lang = verify && state.lang !== verify.default_language ? state.lang : this.caseLang(match.id);
      const fresh = initialState(latest.flow, { lang, case: this.caseFields(match.id) });
      const turn = step(latest.flow, fresh, { kind: 'start' }, { now }, { defaultCountry: this.o.defaultCountry });
      return { caseId: match.id, flowId: latest.flowId, flowVersion: latest.version, flow: latest.flow, ...turn };
    }
    const verify = this.o.flows.get(conv.flow_id, conv.flow_version);
    if (!verify) return undefined;
    const attempts = Number(state.case.attempts ?? 0) + 1;
    const fresh = initialState(verify, { lang: state.lang, case: { code_status: 'not_found', attempts } });
    const turn = step(verify, fresh, { kind: 'start' }, { now }, { defaultCountry: this.o.defaultCountry });
    return { caseId: null, flowId: conv.flow_id, flowVersion: conv.flow_version, flow: verify, ...turn };
  }

  private caseLang(caseId: number): Lang {
    return (this.st.caseById!.get(caseId) as CaseRow | undefined)?.language ?? 'id';
  }

  private caseFields(caseId: number): Record<string, string | number | null> {
    const c = this.st.caseById!.get(caseId) as CaseRow | undefined;
    if (!c) return {};
    return { id: c.external_id, name: c.name, area: c.area, test_date: c.test_date, date_of_birth: c.date_of_birth };
  }

  private recordInbound(conv: ConversationRow, m: InboundMessage, now: number, out: TurnOutcome): void {
    const payload = m.content.kind === 'text' || m.content.kind === 'start' ? null : JSON.stringify(m.content);
    const row = this.st.insertMsg!.get({
      conversationId: conv.id,
      direction: 'in',
      sender: 'patient',
      kind: m.content.kind,
      text: transcriptText(m.content),
      payload,
      channel: m.channel,
      channelMessageId: m.channelMessageId,
      stepId: null,
      status: 'received',
      sentAt: m.sentAt,
      now,
    }) as { id: number };
    out.live.push({ type: 'message.created', conversationId: conv.id, messageId: row.id, at: now });
  }

  /** Apply the engine's events and the new state; everything here is inside the caller's transaction. */
  private finish(
    t: {
      conv: ConversationRow;
      state: ConversationState;
      caseId: number | null;
      seq: number;
      now: number;
      lastInboundAt: number | null;
      flow?: FlowDefinition;
      closedReason?: string;
      /** Timers to arm if the bot is left waiting for the patient. */
      arm?: TimerKind[];
    },
    events: EngineEvent[],
    out: TurnOutcome,
  ): TurnOutcome {
    const { conv, now } = t;
    let ownership = { owner: conv.owner, assigneeId: conv.assignee_id };
    let closedReason: string | null = t.closedReason ?? null;
    let optedOut = conv.opted_out;
    const messageIds: number[] = [];
    for (const e of events) {
      switch (e.type) {
        case 'message': {
          const row = this.st.insertMsg!.get({
            conversationId: conv.id,
            direction: 'out',
            sender: 'bot',
            kind: 'text',
            text: e.text,
            payload: e.choices?.length || e.requestPhone || e.expects ? JSON.stringify({ choices: e.choices, requestPhone: e.requestPhone, expects: e.expects }) : null,
            channel: conv.channel,
            channelMessageId: null,
            stepId: e.step,
            status: 'queued',
            sentAt: null,
            now,
          }) as { id: number };
          messageIds.push(row.id);
          out.live.push({ type: 'message.created', conversationId: conv.id, messageId: row.id, at: now });
          break;
        }
        case 'answer_saved':
          this.st.upsertAnswer!.run({ conversationId: conv.id, caseId: t.caseId, key: e.key, value: JSON.stringify(e.value), raw: e.raw, stepId: e.step, now });
          break;
        case 'item_collected': {
          const list = t.state.lists[e.key] ?? [];
          this.st.upsertAnswer!.run({ conversationId: conv.id, caseId: t.caseId, key: e.key, value: JSON.stringify(list), raw: null, stepId: e.step, now });
          const event = e.kind === 'contact' ? 'contact.elicited' : e.kind === 'place' ? 'place.visited' : 'item.collected';
          this.event(out, conv.id, event, { conversationId: conv.id, caseId: t.caseId, step: e.step, key: e.key, index: e.index, item: e.item }, now);
          break;
        }
        case 'escalated': {
          const next = transition(ownership, { type: 'escalate' });
          if (!isRefusal(next)) ownership = next;
          if (!this.st.openEscalation!.get(conv.id)) {
            const esc = this.st.insertEscalation!.get({ conversationId: conv.id, reason: e.reason, detail: e.detail ?? null, priority: e.priority, stepId: e.step, now }) as { id: number };
            out.live.push({ type: 'escalation.created', conversationId: conv.id, escalationId: esc.id, at: now });
            this.event(out, conv.id, 'escalation.created', { escalationId: esc.id, conversationId: conv.id, caseId: t.caseId, reason: e.reason, priority: e.priority }, now);
          }
          break;
        }
        case 'completed':
          if (t.flow?.id !== undefined && t.flow.id === this.o.verifyFlow) break;
          if (t.caseId !== null) this.st.caseCompleted!.run({ id: t.caseId, now });
          this.event(out, conv.id, 'interview.completed', { conversationId: conv.id, caseId: t.caseId, answers: t.state.answers, lists: t.state.lists }, now);
          break;
        case 'opted_out': {
          ownership = { owner: 'closed', assigneeId: null };
          closedReason = 'stopped';
          optedOut = 1;
          if (t.caseId !== null) this.st.caseStatus!.run({ id: t.caseId, status: 'opted_out', now });
          break;
        }
        case 'error':
          out.errors.push(e.code);
          break;
        default:
          break;
      }
    }
    if (closedReason && ownership.owner !== 'closed') {
      const next = transition(ownership, { type: 'close' });
      if (!isRefusal(next)) ownership = next;
    }
    this.st.updateConv!.run({
      id: conv.id,
      state: JSON.stringify(t.state),
      stepId: t.state.stepId,
      lang: t.state.lang,
      owner: ownership.owner,
      assigneeId: ownership.assigneeId,
      closedReason,
      optedOut,
      inboundSeq: t.seq,
      lastInboundAt: t.lastInboundAt,
      lastOutboundAt: messageIds.length ? now : null,
      caseId: t.caseId,
      now,
    });
    if (messageIds.length) {
      const payload = JSON.stringify({ messageIds, inboundAt: t.lastInboundAt !== null ? this.inboundAt : null });
      const row = this.st.insertOutbox!.get('send', conv.id, payload, now, now) as { id: number };
      out.outboxIds.push(row.id);
    }
    if (t.arm?.length && t.flow && ownership.owner === 'bot' && t.state.status === 'active' && t.state.stepId) {
      const s = t.flow.settings;
      for (const timer of t.arm) {
        const delayMs = durationMs(timer === 'reminder' ? s.reminder_after : s.expire_after);
        out.timers.push({ timer, conversationId: conv.id, channel: conv.channel, channelUserId: conv.channel_user_id, delayMs });
      }
    }
    out.live.push({ type: 'conversation.updated', conversationId: conv.id, at: now });
    return out;
  }

  private event(out: TurnOutcome, conversationId: number, event: string, data: Record<string, unknown>, now: number): void {
    const row = this.st.insertOutbox!.get('event', conversationId, JSON.stringify({ event, data }), now, now) as { id: number };
    out.outboxIds.push(row.id);
  }
}

function emptyOutcome(): TurnOutcome {
  return { conversationId: null, outboxIds: [], live: [], timers: [], errors: [], duplicate: false };
}
