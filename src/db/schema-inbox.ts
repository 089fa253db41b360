import { index, integer, primaryKey, sqliteTable } from 'drizzle-orm/sqlite-core';
import { conversations, users } from './schema.js';

// The inbox's per-person state (issue 14, item 14): UI state, so it goes when its chat or person goes (cascade).
// drizzle-kit reads this file with schema.ts (drizzle.config.ts).

/**
 * How far each staff member has read each chat: the newest message id shown to them when they last opened it. A chat's
 * unread count for a person is its patient messages after that id (all of them if they never opened it).
 */
export const inboxReads = sqliteTable(
  'inbox_reads',
  {
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    lastReadMessageId: integer('last_read_message_id').notNull(),
    readAt: integer('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] }), index('inbox_reads_conversation').on(t.conversationId)],
);
