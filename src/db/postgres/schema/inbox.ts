import { index, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { int } from './columns.js';
import { conversations, users } from './schema.js';

// The PostgreSQL mirror of src/db/schema-inbox.ts (how far each person has read each chat, issue 14).

export const inboxReads = pgTable(
  'inbox_reads',
  {
    userId: int('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: int('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    lastReadMessageId: int('last_read_message_id').notNull(),
    readAt: int('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] }), index('inbox_reads_conversation').on(t.conversationId)],
);
