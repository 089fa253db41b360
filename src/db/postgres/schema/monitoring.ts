import { sql } from 'drizzle-orm';
import { index, pgTable, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, int, now, text } from './columns.js';
import { cases, contacts, conversations, exposures, users } from './schema.js';

// The PostgreSQL mirror of src/db/schema-monitoring.ts (following contacts through quarantine, issue 16).

export const monitoringEnrolments = pgTable(
  'monitoring_enrolments',
  {
    id: id(),
    contactId: int('contact_id')
      .notNull()
      .references(() => contacts.id),
    sourceCaseId: int('source_case_id').references(() => cases.id),
    elicitedAt: int('elicited_at').notNull(),
    lastExposureDate: text('last_exposure_date').notNull(),
    quarantineEnd: text('quarantine_end').notNull(),
    testDates: text('test_dates').notNull(),
    lastCheckinDate: text('last_checkin_date').notNull(),
    status: text('status').notNull().default('active'),
    notifyStatus: text('notify_status').notNull().default('pending'),
    notifyProblem: text('notify_problem'),
    channel: text('channel'),
    channelUserId: text('channel_user_id'),
    lang: text('lang').notNull().default('id'),
    notifiedAt: int('notified_at'),
    repliedAt: int('replied_at'),
    symptomaticAt: int('symptomatic_at'),
    unresponsiveAt: int('unresponsive_at'),
    missedInRow: int('missed_in_row').notNull().default(0),
    testResult: text('test_result'),
    testedAt: text('tested_at'),
    resultSource: text('result_source'),
    becameCaseId: int('became_case_id').references(() => cases.id),
    closedAt: int('closed_at'),
    closedReason: text('closed_reason'),
    callOutcome: text('call_outcome'),
    callDoneAt: int('call_done_at'),
    callDoneBy: int('call_done_by').references(() => users.id),
    createdAt: int('created_at').notNull().default(now),
    updatedAt: int('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('monitoring_active_contact').on(t.contactId).where(sql`status = 'active'`),
    index('monitoring_contact').on(t.contactId),
    index('monitoring_status').on(t.status, t.notifyStatus),
    index('monitoring_chat').on(t.channel, t.channelUserId),
  ],
);

export const monitoringExposures = pgTable('monitoring_exposures', {
  exposureId: int('exposure_id')
    .primaryKey()
    .references(() => exposures.id),
  enrolmentId: int('enrolment_id').references(() => monitoringEnrolments.id),
  createdAt: int('created_at').notNull().default(now),
});

export const monitoringCheckins = pgTable(
  'monitoring_checkins',
  {
    id: id(),
    enrolmentId: int('enrolment_id')
      .notNull()
      .references(() => monitoringEnrolments.id),
    date: text('date').notNull(),
    day: int('day').notNull(),
    dueAt: int('due_at').notNull(),
    status: text('status').notNull().default('planned'),
    conversationId: int('conversation_id').references(() => conversations.id),
    queuedAt: int('queued_at'),
    sentAt: int('sent_at'),
    answeredAt: int('answered_at'),
    hasSymptoms: int('has_symptoms'),
    symptoms: text('symptoms'),
    testResult: text('test_result'),
    createdAt: int('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('monitoring_checkin_day').on(t.enrolmentId, t.date),
    index('monitoring_checkin_due').on(t.status, t.dueAt),
    index('monitoring_checkin_conversation').on(t.conversationId),
  ],
);
