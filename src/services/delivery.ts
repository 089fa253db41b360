import type { Channel, SendResult } from '../domain/channel.js';
import type { LiveEvent } from '../domain/live-events.js';
import type { Repositories } from '../domain/repositories/index.js';
import { changeOwnership } from './change-ownership.js';
import { recordEscalation } from './escalations.js';

/** How long an unsent reply keeps the chat's later replies waiting. */
const ORDER_WAIT_LIMIT_MS = 10 * 60_000;

/** A send job: stored replies of one conversation, to deliver in order. */
export interface DeliveryRequest {
  conversationId: number;
  messageIds: number[];
}

/** How a delivery attempt ended, for the queue processor to turn into retry semantics. */
export type DeliveryOutcome =
  | { kind: 'done'; sent: number; live: LiveEvent[]; outboxIds: number[] }
  | { kind: 'retry_after'; ms: number; live: LiveEvent[] }
  /** An earlier reply of the same chat is still on its way: try again in `ms`, so the patient sees replies in order. */
  | { kind: 'wait'; ms: number; live: LiveEvent[] }
  | { kind: 'transient'; detail: string; live: LiveEvent[] }
  | { kind: 'unreachable'; live: LiveEvent[]; outboxIds: number[] };

/** The repositories delivery reads and writes. */
export type DeliveryStores = Pick<Repositories, 'transactions' | 'messages' | 'conversations' | 'escalations' | 'outbox' | 'cases'>;

/** The id a stored reply is sent under: `m<message id>`, the same on every retry, so adapters may de-duplicate by it. */
export function outboundId(messageId: number): string {
  return `m${messageId}`;
}

/**
 * Sends a turn's stored replies in order through the channel. A reply already marked sent is skipped, so a retried job never
 * sends twice what it already delivered. A permanent failure (blocked bot, unknown number) marks the conversation unreachable
 * and escalates it instead of retrying forever.
 */
export class DeliveryService {
  constructor(
    private readonly stores: DeliveryStores,
    private readonly clock: () => number,
  ) {}

  /**
   * Deliver a send job's messages through `channel`, after every earlier reply of the conversation: send jobs of one chat
   * run concurrently (several turns in a burst), and a patient must not get the third question before the second.
   */
  async deliver(job: DeliveryRequest, channel: Channel): Promise<DeliveryOutcome> {
    const { messages } = this.stores;
    const live: LiveEvent[] = [];
    // Only recent predecessors hold a job back, so one reply stuck for whatever reason never silences a chat for good.
    if (messages.hasEarlierQueued(job.conversationId, Math.min(...job.messageIds), this.clock() - ORDER_WAIT_LIMIT_MS)) return { kind: 'wait', ms: 50, live };
    // One read of the job's lines. Each bubble is marked sent as soon as it went out, not once per job: a platform's
    // receipt (WhatsApp reports "delivered" within milliseconds) must find the line sent, under its platform id.
    const lines = new Map(messages.outboundMany(job.messageIds).map((m) => [m.id, m]));
    let sent = 0;
    for (const id of job.messageIds) {
      const m = lines.get(id);
      // Delivered and read are later states of sent (platform receipts): never send those again either.
      if (!m || m.status === 'sent' || m.status === 'delivered' || m.status === 'read') continue;
      const extra = m.payload ? (JSON.parse(m.payload) as { choices?: { value: string; label: string }[]; requestPhone?: boolean }) : {};
      let result: SendResult;
      try {
        result = await channel.send({
          id: outboundId(m.id),
          channelUserId: m.channelUserId,
          text: m.text ?? '',
          ...(extra.choices?.length ? { choices: extra.choices } : {}),
          ...(extra.requestPhone ? { requestPhone: true } : {}),
        });
      } catch (error) {
        // Adapters should return values; a throw is a bug or I/O trouble: retry like a network error.
        result = { ok: false, kind: 'transient', detail: error instanceof Error ? error.name : 'error' };
      }
      if (result.ok) {
        const now = this.clock();
        messages.markSent(m.id, result.channelMessageIds[0] ?? null, now);
        live.push({ type: 'message.updated', conversationId: m.conversationId, messageId: m.id, at: now });
        sent++;
        continue;
      }
      if (result.kind === 'retry_after') return { kind: 'retry_after', ms: result.retryAfterMs, live };
      if (result.kind === 'transient') return { kind: 'transient', detail: result.detail, live };
      const r = this.markUnreachable(job, `${result.reason}: ${result.detail}`);
      return { kind: 'unreachable', live: [...live, ...r.live], outboxIds: r.outboxIds };
    }
    return { kind: 'done', sent, live, outboxIds: [] };
  }

  /** Give up on a job (permanent failure, or retries exhausted): mark its messages failed and escalate the conversation. */
  markUnreachable(job: DeliveryRequest, detail: string): { live: LiveEvent[]; outboxIds: number[] } {
    const now = this.clock();
    const s = this.stores;
    return s.transactions.transaction(() => {
      const live: LiveEvent[] = [];
      const outboxIds: number[] = [];
      for (const id of job.messageIds) s.messages.markFailed(id, detail.slice(0, 200));
      const conv = s.conversations.byId(job.conversationId);
      if (!conv) return { live, outboxIds };
      s.conversations.markUnreachable(conv.id, now);
      const change = changeOwnership(s.conversations, conv, [{ type: 'escalate' }], now, { skipRefused: true });
      if (conv.caseId !== null) s.cases.markUnreachable(conv.caseId, now);
      if (conv.owner !== 'closed') {
        const holder = change.ok ? change.ownership.assigneeId : conv.assigneeId;
        const r = recordEscalation(
          s,
          { conversationId: conv.id, caseId: conv.caseId, reason: 'unreachable', priority: 'high', detail: detail.slice(0, 200), stepId: conv.stepId },
          holder,
          now,
        );
        live.push(...r.live);
        outboxIds.push(...r.outboxIds);
      }
      for (const id of job.messageIds) live.push({ type: 'message.updated', conversationId: conv.id, messageId: id, at: now });
      return { live, outboxIds };
    });
  }
}
