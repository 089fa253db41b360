import type { ChannelName } from '../domain/channel.js';
import type { LiveEvent } from '../domain/live-events.js';
import type { Repositories } from '../domain/repositories/index.js';
import type { DeliveryService } from './delivery.js';

/** A platform's receipt for one of our replies, in the channel-neutral words the transcript uses. */
export interface DeliveryReceipt {
  channel: ChannelName;
  /** The platform's id of the message (what `send` returned, or a held reply's new id). */
  channelMessageId: string;
  /** Our outbox id (`m<messages.id>`) when the adapter knows it. */
  outboxId?: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  error?: { code: number; title: string };
  /** The failure means the person cannot be reached on this channel. */
  unreachable?: boolean;
  /** A held reply went out now: `channelMessageId` replaces the id the line had. */
  released?: boolean;
}

const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3 };

/**
 * Records delivery receipts on transcript lines: sent -> delivered -> read only moves forward (receipts arrive out of order),
 * a failure stores its code, and an "unreachable" failure goes through DeliveryService.markUnreachable (the one owner of
 * that rule: conversation unreachable, escalation for a call).
 */
export class DeliveryReceipts {
  constructor(
    private readonly stores: Pick<Repositories, 'messages'>,
    private readonly delivery: DeliveryService,
    private readonly clock: () => number,
  ) {}

  /** Apply one receipt; returns the live events to publish and outbox rows to dispatch. Unknown messages are ignored. */
  record(r: DeliveryReceipt): { live: LiveEvent[]; outboxIds: number[] } {
    const { messages } = this.stores;
    const now = this.clock();
    const ours = /^m(\d+)$/.exec(r.outboxId ?? '');
    const row = ours ? messages.outboundOn(r.channel, Number(ours[1])) : messages.outboundByPlatformId(r.channel, r.channelMessageId);
    if (!row) return { live: [], outboxIds: [] };
    const updated: LiveEvent[] = [{ type: 'message.updated', conversationId: row.conversationId, messageId: row.id, at: now }];
    if (r.status === 'failed') {
      const detail = `${r.channel} error ${r.error?.code ?? 'unknown'}: ${r.error?.title ?? 'failed'}`.slice(0, 200);
      messages.markReceiptFailed(row.id, detail);
      if (!r.unreachable) return { live: updated, outboxIds: [] };
      const u = this.delivery.markUnreachable({ conversationId: row.conversationId, messageIds: [row.id] }, detail);
      return { live: [...updated, ...u.live], outboxIds: u.outboxIds };
    }
    // A held reply went out later: its receipts will come under the new id.
    if (ours && r.released && row.channelMessageId !== r.channelMessageId) messages.rebindPlatformId(row.id, r.channelMessageId, now);
    const current = RANK[row.status];
    if (current === undefined || RANK[r.status]! <= current) return { live: [], outboxIds: [] };
    messages.advanceStatus(row.id, r.status);
    return { live: updated, outboxIds: [] };
  }
}
