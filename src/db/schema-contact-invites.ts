import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { cases } from './schema.js';

// Telegram cannot write first (issue 16): at the end of the interview a patient on Telegram gets a message to forward to
// contacts who prefer Telegram, with a deep link. Its code opens a chat that is linked to no case: the contact proves who
// they are by typing their name, matched against the people this case named. drizzle-kit reads this file (drizzle.config.ts).

/** A contact invite code of a case: only its SHA-256 is kept, so a database leak does not leak working links. */
export const contactInvites = sqliteTable(
  'contact_invites',
  {
    codeHash: text('code_hash').primaryKey(),
    // An erased case takes its invite codes with it (issue 17).
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('contact_invites_case').on(t.caseId)],
);
