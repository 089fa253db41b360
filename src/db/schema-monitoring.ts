import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { cases, contacts, conversations, exposures, users } from './schema.js';

/**
 * Following contacts through quarantine (issue 16): one monitoring record per contact and period, the exposures it was
 * enrolled from, and one check-in per record and local day. Times epoch ms, dates ISO `YYYY-MM-DD` in the policy's zone.
 */

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

/** A contact under follow-up; a second exposure of an active contact joins this record and moves its end later. */
export const monitoringEnrolments = sqliteTable(
  'monitoring_enrolments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    /** The case whose exposure is the latest: the chain edge when the contact becomes a case. */
    sourceCaseId: integer('source_case_id').references(() => cases.id),
    /** When the first exposure of this record was recorded: the start of "notified within 24 h". */
    elicitedAt: integer('elicited_at').notNull(),
    lastExposureDate: text('last_exposure_date').notNull(),
    quarantineEnd: text('quarantine_end').notNull(),
    /** JSON string[] of test dates. */
    testDates: text('test_dates').notNull(),
    /** The last day a check-in goes out (the day after the exit test, to ask its result, or the quarantine end). */
    lastCheckinDate: text('last_checkin_date').notNull(),
    status: text('status', { enum: ['active', 'released', 'became_case', 'closed'] }).notNull().default('active'),
    notifyStatus: text('notify_status', { enum: ['pending', 'queued', 'sent', 'needs_call'] }).notNull().default('pending'),
    notifyProblem: text('notify_problem'),
    channel: text('channel', { enum: ['telegram', 'whatsapp', 'fake'] }),
    channelUserId: text('channel_user_id'),
    lang: text('lang', { enum: ['id', 'en'] }).notNull().default('id'),
    notifiedAt: integer('notified_at'),
    repliedAt: integer('replied_at'),
    symptomaticAt: integer('symptomatic_at'),
    unresponsiveAt: integer('unresponsive_at'),
    missedInRow: integer('missed_in_row').notNull().default(0),
    testResult: text('test_result', { enum: ['positive', 'negative'] }),
    testedAt: text('tested_at'),
    resultSource: text('result_source', { enum: ['chat', 'tracer', 'api'] }),
    becameCaseId: integer('became_case_id').references(() => cases.id),
    closedAt: integer('closed_at'),
    closedReason: text('closed_reason'),
    callOutcome: text('call_outcome', { enum: ['reached', 'not_reached', 'wrong_number'] }),
    callDoneAt: integer('call_done_at'),
    callDoneBy: integer('call_done_by').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('monitoring_active_contact').on(t.contactId).where(sql`status = 'active'`),
    index('monitoring_contact').on(t.contactId),
    index('monitoring_status').on(t.status, t.notifyStatus),
    index('monitoring_chat').on(t.channel, t.channelUserId),
  ],
);

/** An exposure is enrolled once (processing its event again, or the tick's sweep, adds nothing). */
export const monitoringExposures = sqliteTable('monitoring_exposures', {
  exposureId: integer('exposure_id')
    .primaryKey()
    .references(() => exposures.id),
  /** Null when the exposure was too old to follow (its quarantine had ended when it was recorded). */
  enrolmentId: integer('enrolment_id').references(() => monitoringEnrolments.id),
  createdAt: integer('created_at').notNull().default(now),
});

/** One daily check-in: unique per record and local day, so planning or sending a day twice does nothing twice. */
export const monitoringCheckins = sqliteTable(
  'monitoring_checkins',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    enrolmentId: integer('enrolment_id')
      .notNull()
      .references(() => monitoringEnrolments.id),
    date: text('date').notNull(),
    day: integer('day').notNull(),
    dueAt: integer('due_at').notNull(),
    status: text('status', { enum: ['planned', 'queued', 'sent', 'answered', 'missed', 'skipped'] }).notNull().default('planned'),
    conversationId: integer('conversation_id').references(() => conversations.id),
    queuedAt: integer('queued_at'),
    sentAt: integer('sent_at'),
    answeredAt: integer('answered_at'),
    hasSymptoms: integer('has_symptoms', { mode: 'boolean' }),
    /** JSON string[]. */
    symptoms: text('symptoms'),
    testResult: text('test_result', { enum: ['positive', 'negative', 'not_tested'] }),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('monitoring_checkin_day').on(t.enrolmentId, t.date),
    index('monitoring_checkin_due').on(t.status, t.dueAt),
    index('monitoring_checkin_conversation').on(t.conversationId),
  ],
);
