import type { Statement } from 'better-sqlite3';
import type { Channel, SendResult } from '../domain/channel.js';
import { tx, type Db } from '../db/index.js';
import { isRefusal, transition, type Owner } from '../domain/ownership.js';
import type { SendJob } from '../queue/jobs.js';
import type { LiveEvent } from '../domain/live-events.js';

/** How long an unsent reply keeps the chat's later replies waiting. */
const ORDER_WAIT_LIMIT_MS = 10 * 60_000;

/** How a delivery attempt ended, for the queue processor to turn into retry semantics. */
export type DeliveryOutcome =
  | { kind: 'done'; sent: number; live: LiveEvent[]; outboxIds: number[] }
  | { kind: 'retry_after'; ms: number; live: LiveEvent[] }
  /** An earlier reply of the same chat is still on its way: try again in `ms`, so the patient sees replies in order. */
  | { kind: 'wait'; ms: number; live: LiveEvent[] }
  | { kind: 'transient'; detail: string; live: LiveEvent[] }
  | { kind: 'unreachable'; live: LiveEvent[]; outboxIds: number[] };

interface MessageRow {
  id: number;
  conversation_id: number;
  text: string | null;
  payload: string | null;
  status: string;
  channel_user_id: string;
}

/**
 * Sends a turn's stored replies in order through the channel. A reply already marked sent is skipped, so a retried job never
 * sends twice what it already delivered. A permanent failure (blocked bot, unknown number) marks the conversation unreachable
 * and escalates it instead of retrying forever.
 */
export class DeliveryService {
  private readonly st: Record<string, Statement>;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number,
  ) {
    const c = db.$client;
    this.st = {
      msg: c.prepare(
        `SELECT m.id, m.conversation_id, m.text, m.payload, m.status, c.channel_user_id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?`,
      ),
      sent: c.prepare(`UPDATE messages SET status = 'sent', channel_message_id = ?, sent_at = ?, error = NULL WHERE id = ?`),
      failed: c.prepare(`UPDATE messages SET status = 'failed', error = ? WHERE id = ? AND status <> 'sent'`),
      earlier: c.prepare(
        `SELECT 1 FROM messages WHERE conversation_id = ? AND direction = 'out' AND status = 'queued' AND id < ? AND created_at > ? LIMIT 1`,
      ),
      conv: c.prepare(`SELECT id, owner, assignee_id, case_id, step_id FROM conversations WHERE id = ?`),
      unreachable: c.prepare(
        `UPDATE conversations SET unreachable = 1, owner = ?, assignee_id = ?, revision = revision + 1, updated_at = ? WHERE id = ?`,
      ),
      openEsc: c.prepare(`SELECT id FROM escalations WHERE conversation_id = ? AND status <> 'resolved' LIMIT 1`),
      insertEsc: c.prepare(
        `INSERT INTO escalations (conversation_id, reason, detail, priority, status, step_id, waiting_since, created_at, updated_at)
         VALUES (?, 'unreachable', ?, 'high', 'open', ?, ?, ?, ?) RETURNING id`,
      ),
      caseUnreachable: c.prepare(`UPDATE cases SET status = 'unreachable', updated_at = ? WHERE id = ? AND status NOT IN ('completed', 'opted_out')`),
      outbox: c.prepare(`INSERT INTO outbox (kind, conversation_id, payload, available_at, created_at) VALUES ('event', ?, ?, ?, ?) RETURNING id`),
    };
  }

  /**
   * Deliver a send job's messages through `channel`, after every earlier reply of the conversation: send jobs of one chat
   * run concurrently (several turns in a burst), and a patient must not get the third question before the second.
   */
  async deliver(job: SendJob, channel: Channel): Promise<DeliveryOutcome> {
    const live: LiveEvent[] = [];
    // Only recent predecessors hold a job back, so one reply stuck for whatever reason never silences a chat for good.
    if (this.st.earlier!.get(job.conversationId, Math.min(...job.messageIds), this.clock() - ORDER_WAIT_LIMIT_MS)) return { kind: 'wait', ms: 50, live };
    let sent = 0;
    for (const id of job.messageIds) {
      const m = this.st.msg!.get(id) as MessageRow | undefined;
      if (!m || m.status === 'sent') continue;
      const extra = m.payload ? (JSON.parse(m.payload) as { choices?: { value: string; label: string }[]; requestPhone?: boolean }) : {};
      let result: SendResult;
      try {
        result = await channel.send({
          id: `m${m.id}`,
          channelUserId: m.channel_user_id,
          text: m.text ?? '',
          ...(extra.choices?.length ? { choices: extra.choices } : {}),
          ...(extra.requestPhone ? { requestPhone: true } : {}),
        });
      } catch (error) {
        // Adapters should return values; a throw is a bug or I/O trouble: retry like a network error.
        result = { ok: false, kind: 'transient', detail: error instanceof Error ? error.name : 'error' };
      }
      const now = this.clock();
      if (result.ok) {
        this.st.sent!.run(result.channelMessageIds[0] ?? null, now, m.id);
        live.push({ type: 'message.updated', conversationId: m.conversation_id, messageId: m.id, at: now });
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
  markUnreachable(job: SendJob, detail: string): { live: LiveEvent[]; outboxIds: number[] } {
    const now = this.clock();
    return tx(this.db, () => {
      const live: LiveEvent[] = [];
      const outboxIds: number[] = [];
      for (const id of job.messageIds) this.st.failed!.run(detail.slice(0, 200), id);
      const conv = this.st.conv!.get(job.conversationId) as
        | { id: number; owner: Owner; assignee_id: number | null; case_id: number | null; step_id: string | null }
        | undefined;
      if (!conv) return { live, outboxIds };
      const next = transition({ owner: conv.owner, assigneeId: conv.assignee_id }, { type: 'escalate' });
      const own = isRefusal(next) ? { owner: conv.owner, assigneeId: conv.assignee_id } : next;
      this.st.unreachable!.run(own.owner, own.assigneeId, now, conv.id);
      if (conv.case_id !== null) this.st.caseUnreachable!.run(now, conv.case_id);
      if (conv.owner !== 'closed' && !this.st.openEsc!.get(conv.id)) {
        const esc = this.st.insertEsc!.get(conv.id, detail.slice(0, 200), conv.step_id, now, now, now) as { id: number };
        live.push({ type: 'escalation.created', conversationId: conv.id, escalationId: esc.id, at: now });
        const ev = this.st.outbox!.get(
          conv.id,
          JSON.stringify({ event: 'escalation.created', data: { escalationId: esc.id, conversationId: conv.id, caseId: conv.case_id, reason: 'unreachable', priority: 'high' } }),
          now,
          now,
        ) as { id: number };
        outboxIds.push(ev.id);
      }
      for (const id of job.messageIds) live.push({ type: 'message.updated', conversationId: conv.id, messageId: id, at: now });
      return { live, outboxIds };
    });
  }
}
