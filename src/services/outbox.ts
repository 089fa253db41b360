import { schema, type Db } from '../db/index.js';

/** Kinds of outbox rows: `send` delivers one stored outbound message; `event` is a domain event for answers/webhooks. */
export type OutboxRow =
  /** Deliver these stored outbound messages, in order, to the conversation's chat. */
  | { kind: 'send'; conversationId: number; payload: { messageIds: number[]; inboundAt?: number | null }; availableAt: number }
  | { kind: 'event'; conversationId: number | null; payload: { event: string; data: Record<string, unknown> }; availableAt: number };

/** Record an effect inside the caller's transaction; the pipeline dispatches it after commit. Returns the outbox id. */
export function addOutbox(db: Db, row: OutboxRow): number {
  const inserted = db
    .insert(schema.outbox)
    .values({ kind: row.kind, conversationId: row.conversationId, payload: JSON.stringify(row.payload), availableAt: row.availableAt })
    .returning({ id: schema.outbox.id })
    .get();
  return inserted.id;
}
