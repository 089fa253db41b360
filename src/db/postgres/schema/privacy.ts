import { index, pgTable, primaryKey } from 'drizzle-orm/pg-core';
import { id, int, text } from './columns.js';

// The PostgreSQL mirror of src/db/schema-privacy.ts (redactions, recurring jobs, erasure requests; issue 17).

export const privacyRedactions = pgTable(
  'privacy_redactions',
  {
    entityType: text('entity_type').notNull(),
    entityId: int('entity_id').notNull(),
    reason: text('reason').notNull(),
    at: int('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entityType, t.entityId] })],
);

export const scheduledJobs = pgTable('scheduled_jobs', {
  name: text('name').primaryKey(),
  dueAt: int('due_at').notNull(),
  lastRunAt: int('last_run_at'),
  lastResult: text('last_result'),
});

export const erasureRequests = pgTable(
  'erasure_requests',
  {
    id: id(),
    subjectHash: text('subject_hash').notNull(),
    status: text('status').notNull(),
    requestedBy: int('requested_by').notNull(),
    requestedAt: int('requested_at').notNull(),
    expiresAt: int('expires_at').notNull(),
    confirmedBy: int('confirmed_by'),
    confirmedAt: int('confirmed_at'),
    result: text('result'),
  },
  (t) => [index('erasure_requests_status').on(t.status, t.requestedAt)],
);
