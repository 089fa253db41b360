import { index, pgTable } from 'drizzle-orm/pg-core';
import { int, text } from './columns.js';
import { cases } from './schema.js';

// The PostgreSQL mirror of src/db/schema-contact-invites.ts (Telegram contact invites, issue 16).

export const contactInvites = pgTable(
  'contact_invites',
  {
    codeHash: text('code_hash').primaryKey(),
    caseId: int('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    createdAt: int('created_at').notNull(),
  },
  (t) => [index('contact_invites_case').on(t.caseId)],
);
