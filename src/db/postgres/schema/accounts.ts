import { index, pgTable } from 'drizzle-orm/pg-core';
import { id, int, text } from './columns.js';

// The PostgreSQL mirror of src/db/schema-accounts.ts (the sign-in throttle's memory).

export const loginFailures = pgTable(
  'login_failures',
  {
    id: id(),
    key: text('key').notNull(),
    at: int('at').notNull(),
  },
  (t) => [index('login_failures_key').on(t.key, t.at)],
);
