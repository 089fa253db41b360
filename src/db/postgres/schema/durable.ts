import { sql } from 'drizzle-orm';
import { index, pgTable, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, int, now, text } from './columns.js';
import { conversations } from './schema.js';

// The PostgreSQL mirror of src/db/schema-durable.ts (the pipeline's durable state, issue 12).

export const inboundPending = pgTable(
  'inbound_pending',
  {
    id: id(),
    channel: text('channel').notNull(),
    channelMessageId: text('channel_message_id').notNull(),
    channelUserId: text('channel_user_id').notNull(),
    item: text('item').notNull(),
    receivedAt: int('received_at').notNull().default(now),
    handledAt: int('handled_at'),
  },
  (t) => [
    uniqueIndex('inbound_pending_message').on(t.channel, t.channelMessageId),
    index('inbound_pending_unhandled').on(t.channel, t.channelUserId, t.id).where(sql`handled_at IS NULL`),
  ],
);

export const timers = pgTable(
  'timers',
  {
    id: id(),
    conversationId: int('conversation_id')
      .notNull()
      .references(() => conversations.id),
    kind: text('kind').notNull(),
    dueAt: int('due_at').notNull(),
    state: text('state').notNull(),
    firedAt: int('fired_at'),
    updatedAt: int('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('timers_conversation_kind').on(t.conversationId, t.kind), index('timers_due').on(t.state, t.dueAt)],
);
