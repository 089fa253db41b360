import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Privacy (issue 17): what retention and erasure removed, the daily job's due time, and two-step erasure requests.
// drizzle-kit reads this file with schema.ts (drizzle.config.ts).

/**
 * One row per record whose personal data was removed (its row stays, with the non-personal columns the dashboard counts).
 * `reason`: `retention` (the daily job) or `erasure` (an admin answered a person's request).
 */
export const privacyRedactions = sqliteTable(
  'privacy_redactions',
  {
    entityType: text('entity_type', { enum: ['conversation', 'case', 'contact'] }).notNull(),
    entityId: integer('entity_id').notNull(),
    reason: text('reason', { enum: ['retention', 'erasure'] }).notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entityType, t.entityId] })],
);

/**
 * Recurring jobs as data: each row is a job with the time it is next due (the retention job is `retention`). A worker
 * claims a due row by moving `due_at` forward in one statement, so two processes never run the same occurrence.
 */
export const scheduledJobs = sqliteTable('scheduled_jobs', {
  name: text('name').primaryKey(),
  dueAt: integer('due_at').notNull(),
  lastRunAt: integer('last_run_at'),
  /** JSON counts of the last run (no personal data). */
  lastResult: text('last_result'),
});

/**
 * A person's erasure, in two steps: an admin requests it (status `requested`), then confirms it by typing the subject again
 * before `expires_at` (status `done`). The subject is stored only as a SHA-256, so the request outlives what it erased.
 */
export const erasureRequests = sqliteTable(
  'erasure_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectHash: text('subject_hash').notNull(),
    status: text('status', { enum: ['requested', 'done', 'cancelled'] }).notNull(),
    requestedBy: integer('requested_by').notNull(),
    requestedAt: integer('requested_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    confirmedBy: integer('confirmed_by'),
    confirmedAt: integer('confirmed_at'),
    /** JSON counts of what was removed (ids and numbers only). */
    result: text('result'),
  },
  (t) => [index('erasure_requests_status').on(t.status, t.requestedAt)],
);
