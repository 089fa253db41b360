import { z } from 'zod';
import { ChannelName, InboundMessage } from '../channels/channel.js';

/** What a conversation's mailbox holds: a patient message, or a timer that must be ordered with them. */
export const MailboxItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: InboundMessage, enqueuedAt: z.number() }),
  z.object({
    type: z.literal('timer'),
    timer: z.enum(['reminder', 'expire']),
    conversationId: z.number().int(),
    id: z.string(),
    enqueuedAt: z.number(),
  }),
  /** We write first (WhatsApp outreach): open the chat for a case and send the interview's first message. */
  z.object({
    type: z.literal('outreach'),
    caseId: z.number().int(),
    channel: ChannelName,
    channelUserId: z.string().min(1),
    id: z.string(),
    enqueuedAt: z.number(),
  }),
]);
export type MailboxItem = z.infer<typeof MailboxItem>;

export const DrainJob = z.object({ key: z.string().min(1) });
export const SendJob = z.object({
  outboxId: z.number().int(),
  conversationId: z.number().int(),
  messageIds: z.array(z.number().int()).min(1),
  /** When the patient message that caused this reply entered the pipeline (for the latency histogram). */
  inboundAt: z.number().nullable().optional(),
});
export const EventJob = z.object({ outboxId: z.number().int(), event: z.string(), data: z.record(z.string(), z.unknown()), at: z.number() });
export const WebhookJob = z.object({
  deliveryId: z.string(),
  url: z.string().url(),
  event: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.number(),
});
export const TimerJob = z.object({
  timer: z.enum(['reminder', 'expire']),
  conversationId: z.number().int(),
  channel: ChannelName,
  channelUserId: z.string(),
});
export const OutreachJob = z.object({ caseId: z.number().int() });
export type OutreachJob = z.infer<typeof OutreachJob>;
export type SendJob = z.infer<typeof SendJob>;
export type EventJob = z.infer<typeof EventJob>;
export type WebhookJob = z.infer<typeof WebhookJob>;
export type TimerJob = z.infer<typeof TimerJob>;

/** The mailbox key of a chat: conversations are ordered per chat. */
export function chatKey(channel: string, channelUserId: string): string {
  return `${channel}:${channelUserId}`;
}
