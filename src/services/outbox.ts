import type { OutboxRepository } from '../domain/repositories/outbox.js';

/**
 * What the outbox holds. `send` delivers stored outbound messages, in order, to the conversation's chat; `event` is a domain
 * event for the structured registry and webhooks.
 */
export type OutboxEntry =
  | {
      kind: 'send';
      conversationId: number;
      /** `inboundAt`: when the patient message that caused these replies entered the pipeline (latency histogram). */
      payload: { messageIds: number[]; inboundAt?: number | null };
    }
  | { kind: 'event'; conversationId: number | null; payload: { event: string; data: Record<string, unknown> } };

/**
 * Record an effect inside the caller's transaction; the pipeline dispatches it after commit (or the sweeper does, once it
 * is available). The one writer of outbox rows. Returns the outbox id.
 */
export function addOutbox(outbox: OutboxRepository, entry: OutboxEntry, now: number): number {
  return outbox.insert({ kind: entry.kind, conversationId: entry.conversationId, payload: JSON.stringify(entry.payload), availableAt: now, now });
}

/** Record a domain event (`contact.elicited`, `escalation.created`...) for the events queue. Returns the outbox id. */
export function addEvent(outbox: OutboxRepository, conversationId: number | null, event: string, data: Record<string, unknown>, now: number): number {
  return addOutbox(outbox, { kind: 'event', conversationId, payload: { event, data } }, now);
}
