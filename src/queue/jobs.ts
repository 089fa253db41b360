import { z } from 'zod';
import type { OutboxRepository } from '../domain/repositories/index.js';

/** A drain job takes ready chats; one naming a chat (a retry, a sweep) drains that chat. */
export const DrainJob = z.object({ key: z.string().min(1).optional() });
export const SendJob = z.object({
  outboxId: z.number().int(),
  conversationId: z.number().int(),
  messageIds: z.array(z.number().int()).min(1),
  /** When the patient message that caused this reply entered the pipeline (for the latency histogram). */
  inboundAt: z.number().nullable().optional(),
});
// Job payloads carry ids, never names, phones or answers (issue 17): Redis keeps finished jobs for Bull Board, and failed ones
// for a week. Event and webhook workers read the event's data from its outbox row in SQLite when they run.
export const EventJob = z.object({ outboxId: z.number().int(), event: z.string(), at: z.number() });
export const WebhookJob = z.object({
  deliveryId: z.string(),
  url: z.string().url(),
  /** Absent in jobs queued before ids-only payloads; the delivery id (`ev-<outboxId>-<n>`) names the row then. */
  outboxId: z.number().int().optional(),
  event: z.string(),
  at: z.number(),
});
/** The timer's chat is read from its conversation when it fires (a WhatsApp chat id is a phone number). */
export const TimerJob = z.object({
  timer: z.enum(['reminder', 'expire']),
  conversationId: z.number().int(),
});
export const OutreachJob = z.object({
  caseId: z.number().int(),
  /** Set while the channel has no connection: when this job started waiting (waiting spends no attempt). */
  waitingSince: z.number().optional(),
});
/** An event outbox row's payload, as `addEvent` wrote it. */
const OutboxEventPayload = z.object({ event: z.string(), data: z.record(z.string(), z.unknown()) });
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

/** An event's data from its outbox row, or undefined once the row was pruned or erased. */
export function eventData(outbox: Pick<OutboxRepository, 'payloadOf'>, outboxId: number): Record<string, unknown> | undefined {
  const raw = outbox.payloadOf(outboxId);
  return raw === undefined ? undefined : OutboxEventPayload.parse(JSON.parse(raw)).data;
}
