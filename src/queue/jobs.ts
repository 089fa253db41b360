import { z } from 'zod';
import { ChannelName } from '../domain/channel.js';


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
export const OutreachJob = z.object({
  caseId: z.number().int(),
  /** Set while the channel has no connection: when this job started waiting (waiting spends no attempt). */
  waitingSince: z.number().optional(),
});
export type OutreachJob = z.infer<typeof OutreachJob>;
/** Notify a contact under follow-up (issue 16): same path as a case's outreach. */
export const ContactOutreachJob = z.object({ enrolmentId: z.number().int(), waitingSince: z.number().optional() });
export type ContactOutreachJob = z.infer<typeof ContactOutreachJob>;
export type SendJob = z.infer<typeof SendJob>;
export type EventJob = z.infer<typeof EventJob>;
export type WebhookJob = z.infer<typeof WebhookJob>;
export type TimerJob = z.infer<typeof TimerJob>;

/** The mailbox key of a chat: conversations are ordered per chat. */
export function chatKey(channel: string, channelUserId: string): string {
  return `${channel}:${channelUserId}`;
}
