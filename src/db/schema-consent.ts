import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cases, conversations } from './schema.js';

// Issue 17 (UU 27/2022): the lawful basis recorded per person. drizzle-kit reads this file with schema.ts.

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

/**
 * Every answer to a consent question, as it was given: which flow version asked it, the exact text the person read, the
 * answer, and when. Kept when a person declines (it is the record that they did); the rest of a declined chat is not.
 */
export const consentRecords = sqliteTable(
  'consent_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    caseId: integer('case_id').references(() => cases.id),
    flowId: text('flow_id').notNull(),
    flowVersion: integer('flow_version').notNull(),
    stepId: text('step_id').notNull(),
    /** The question exactly as sent (rendered, in the person's language). */
    textShown: text('text_shown').notNull(),
    language: text('language', { enum: ['id', 'en'] }).notNull(),
    answer: text('answer', { enum: ['given', 'declined'] }).notNull(),
    answeredAt: integer('answered_at').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('consent_records_case').on(t.caseId, t.answeredAt), index('consent_records_conversation').on(t.conversationId)],
);
