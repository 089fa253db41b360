import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { conversations } from './schema.js';

// The pipeline's durable state (issue 12): what Redis holds is only a fast path rebuilt from these tables when Redis comes
// back empty. drizzle-kit reads this file with schema.ts (drizzle.config.ts).

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

/**
 * Every accepted patient message, written before the channel is acknowledged and before the Redis enqueue. `handled_at` is
 * set in the turn's transaction; rows still unhandled after a Redis reset are put back into their chats' mailboxes in id
 * (arrival) order. Handled rows are pruned after a week.
 */
export const inboundPending = sqliteTable(
  'inbound_pending',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel', { enum: ['telegram', 'whatsapp', 'fake'] }).notNull(),
    channelMessageId: text('channel_message_id').notNull(),
    channelUserId: text('channel_user_id').notNull(),
    /** The mailbox item (JSON), as the adapter handed it over. */
    item: text('item').notNull(),
    receivedAt: integer('received_at').notNull().default(now),
    handledAt: integer('handled_at'),
  },
  (t) => [
    uniqueIndex('inbound_pending_message').on(t.channel, t.channelMessageId),
    index('inbound_pending_unhandled').on(t.channel, t.channelUserId, t.id).where(sql`handled_at IS NULL`),
  ],
);

/**
 * Reminder and expiry timers, one row per conversation and kind: re-arming moves `due_at` and sets the state back to
 * `pending`; firing sets `fired`. Redis delayed jobs are a cache of the pending rows.
 */
export const timers = sqliteTable(
  'timers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    kind: text('kind', { enum: ['reminder', 'expire'] }).notNull(),
    dueAt: integer('due_at').notNull(),
    state: text('state', { enum: ['pending', 'fired', 'cancelled'] }).notNull(),
    firedAt: integer('fired_at'),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('timers_conversation_kind').on(t.conversationId, t.kind), index('timers_due').on(t.state, t.dueAt)],
);
