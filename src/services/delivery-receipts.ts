import type { Statement } from 'better-sqlite3';
import type { ChannelName } from '../channels/channel.js';
import type { Db } from '../db/index.js';
import type { DeliveryService } from './delivery.js';
import type { LiveEvent } from './ports.js';

/** A platform's receipt for one of our replies, in the channel-neutral words the transcript uses. */
export interface DeliveryReceipt {
  channel: ChannelName;
  /** The platform's id of the message (what `send` returned). */
  channelMessageId: string;
  /** Our outbox id (`m<messages.id>`) when the adapter knows it: a reply held back and sent later carries its new id. */
  outboxId?: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  error?: { code: number; title: string };
  /** The failure means the person cannot be reached on this channel. */
  unreachable?: boolean;
  /** A reply held back (e.g. behind a WhatsApp template) went out now under `channelMessageId`. */
  released?: boolean;
}

const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3 };

/**
 * Records delivery receipts on transcript lines: sent → delivered → read only moves forward (receipts arrive out of order),
 * a failure stores its code, and an "unreachable" failure marks the conversation unreachable and escalates it for a call,
 * through DeliveryService (the one owner of that rule).
 */
export class DeliveryReceipts {
  private readonly st: Record<'byId' | 'byPlatformId' | 'rebind' | 'advance' | 'fail', Statement>;

  constructor(
    db: Db,
    private readonly delivery: DeliveryService,
    private readonly clock: () => number,
  ) {
    const c = db.$client;
    this.st = {
      byId: c.prepare(`SELECT id, conversation_id, status, channel_message_id FROM messages WHERE id = ? AND channel = ? AND direction = 'out'`),
      byPlatformId: c.prepare(`SELECT id, conversation_id, status, channel_message_id FROM messages WHERE channel = ? AND channel_message_id = ? AND direction = 'out'`),
      rebind: c.prepare(`UPDATE messages SET channel_message_id = ?, sent_at = COALESCE(sent_at, ?) WHERE id = ?`),
      advance: c.prepare(`UPDATE messages SET status = ? WHERE id = ? AND status IN ('sent', 'delivered', 'read')`),
      fail: c.prepare(`UPDATE messages SET status = 'failed', error = ? WHERE id = ?`),
    };
  }

  /** Apply one receipt; returns the live events to publish and escalation outbox rows to dispatch. Unknown messages are ignored. */
  record(r: DeliveryReceipt): { live: LiveEvent[]; outboxIds: number[] } {
    const now = this.clock();
    const ours = /^m(\d+)$/.exec(r.outboxId ?? '');
    const row = (ours ? this.st.byId.get(Number(ours[1]), r.channel) : this.st.byPlatformId.get(r.channel, r.channelMessageId)) as
      | { id: number; conversation_id: number; status: string; channel_message_id: string | null }
      | undefined;
    if (!row) return { live: [], outboxIds: [] };
    const updated: LiveEvent[] = [{ type: 'message.updated', conversationId: row.conversation_id, messageId: row.id, at: now }];
    if (r.status === 'failed') {
      const detail = `${r.channel} error ${r.error?.code ?? 'unknown'}: ${r.error?.title ?? 'failed'}`.slice(0, 200);
      this.st.fail.run(detail, row.id);
      if (!r.unreachable) return { live: updated, outboxIds: [] };
      const u = this.delivery.markUnreachable({ outboxId: 0, conversationId: row.conversation_id, messageIds: [row.id] }, detail);
      return { live: [...updated, ...u.live], outboxIds: u.outboxIds };
    }
    // A held reply went out later: its receipts will come under the new id.
    if (r.released && row.channel_message_id !== r.channelMessageId) this.st.rebind.run(r.channelMessageId, now, row.id);
    const current = RANK[row.status];
    if (current === undefined || RANK[r.status]! <= current) return { live: [], outboxIds: [] };
    this.st.advance.run(r.status, row.id);
    return { live: updated, outboxIds: [] };
  }
}
