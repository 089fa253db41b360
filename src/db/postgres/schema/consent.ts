import { index, pgTable } from 'drizzle-orm/pg-core';
import { id, int, now, text } from './columns.js';
import { cases, conversations } from './schema.js';

// The PostgreSQL mirror of src/db/schema-consent.ts (consent records, issue 17).

export const consentRecords = pgTable(
  'consent_records',
  {
    id: id(),
    conversationId: int('conversation_id')
      .notNull()
      .references(() => conversations.id),
    caseId: int('case_id').references(() => cases.id),
    flowId: text('flow_id').notNull(),
    flowVersion: int('flow_version').notNull(),
    stepId: text('step_id').notNull(),
    textShown: text('text_shown').notNull(),
    language: text('language').notNull(),
    answer: text('answer').notNull(),
    answeredAt: int('answered_at').notNull(),
    createdAt: int('created_at').notNull().default(now),
  },
  (t) => [index('consent_records_case').on(t.caseId, t.answeredAt), index('consent_records_conversation').on(t.conversationId)],
);
