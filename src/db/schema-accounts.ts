import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Failed sign-in attempts, the throttle's memory (src/services/accounts/throttle.ts). `key` is `account:<SHA-256 of the
 * email>` (known or not, so unknown emails are throttled like real ones) or `ip:<address>`. Rows older than the
 * throttle's window are deleted as new ones arrive.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('login_failures_key').on(t.key, t.at)],
);
