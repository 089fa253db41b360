import { sql } from 'drizzle-orm';
import { doublePrecision, index, pgTable, primaryKey, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, int, now, text } from './columns.js';

// The PostgreSQL mirror of src/db/schema.ts: same tables, columns, defaults, indexes and foreign keys (what each one means
// is documented there). Enum lists are TypeScript types of the SQLite schema; here they are plain text.

const createdAt = () => int('created_at').notNull().default(now);
const updatedAt = () => int('updated_at').notNull().default(now);

export const cases = pgTable(
  'cases',
  {
    id: id(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    dateOfBirth: text('date_of_birth'),
    language: text('language').notNull().default('id'),
    area: text('area'),
    testDate: text('test_date'),
    confirmedAt: int('confirmed_at').notNull(),
    status: text('status').notNull().default('new'),
    startCodeHash: text('start_code_hash'),
    startCodeExpiresAt: int('start_code_expires_at'),
    startCodeUsedAt: int('start_code_used_at'),
    sourceContactId: int('source_contact_id').references(() => contacts.id),
    interviewCompletedAt: int('interview_completed_at'),
    outreachRequestedAt: int('outreach_requested_at'),
    firstReachedAt: int('first_reached_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('cases_external_id').on(t.externalId),
    uniqueIndex('cases_start_code').on(t.startCodeHash),
    index('cases_phone').on(t.phone),
    index('cases_confirmed').on(t.confirmedAt),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    channel: text('channel').notNull(),
    channelUserId: text('channel_user_id').notNull(),
    caseId: int('case_id').references(() => cases.id),
    flowId: text('flow_id').notNull(),
    flowVersion: int('flow_version').notNull(),
    stepId: text('step_id'),
    state: text('state').notNull(),
    owner: text('owner').notNull().default('bot'),
    assigneeId: int('assignee_id').references(() => users.id),
    closedReason: text('closed_reason'),
    optedOut: int('opted_out').notNull().default(0),
    unreachable: int('unreachable').notNull().default(0),
    lang: text('lang').notNull().default('id'),
    inboundSeq: int('inbound_seq').notNull().default(0),
    lastInboundAt: int('last_inbound_at'),
    lastOutboundAt: int('last_outbound_at'),
    revision: int('revision').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('conversations_open_chat').on(t.channel, t.channelUserId).where(sql`owner <> 'closed'`),
    index('conversations_chat').on(t.channel, t.channelUserId),
    index('conversations_case').on(t.caseId),
    index('conversations_owner').on(t.owner, t.assigneeId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: int('conversation_id')
      .notNull()
      .references(() => conversations.id),
    direction: text('direction').notNull(),
    sender: text('sender').notNull(),
    authorId: int('author_id').references(() => users.id),
    kind: text('kind').notNull(),
    text: text('text'),
    payload: text('payload'),
    channel: text('channel').notNull(),
    channelMessageId: text('channel_message_id'),
    stepId: text('step_id'),
    status: text('status').notNull(),
    error: text('error'),
    sentAt: int('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_inbound_dedup').on(t.channel, t.channelMessageId).where(sql`direction = 'in'`),
    index('messages_conversation').on(t.conversationId, t.id),
  ],
);

export const answers = pgTable(
  'answers',
  {
    id: id(),
    conversationId: int('conversation_id')
      .notNull()
      .references(() => conversations.id),
    caseId: int('case_id').references(() => cases.id),
    key: text('key').notNull(),
    value: text('value').notNull(),
    raw: text('raw'),
    stepId: text('step_id'),
    updatedBy: int('updated_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('answers_key').on(t.conversationId, t.key), index('answers_case').on(t.caseId)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    name: text('name').notNull(),
    phone: text('phone'),
    area: text('area'),
    hasSymptoms: int('has_symptoms'),
    mergedIntoId: int('merged_into_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('contacts_phone').on(t.phone).where(sql`phone IS NOT NULL AND merged_into_id IS NULL`), index('contacts_name').on(t.name)],
);

export const exposures = pgTable(
  'exposures',
  {
    id: id(),
    caseId: int('case_id')
      .notNull()
      .references(() => cases.id),
    contactId: int('contact_id')
      .notNull()
      .references(() => contacts.id),
    conversationId: int('conversation_id').references(() => conversations.id),
    setting: text('setting'),
    lastContactDate: text('last_contact_date'),
    hasSymptoms: int('has_symptoms'),
    notes: text('notes'),
    sourceKey: text('source_key'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('exposures_source').on(t.sourceKey),
    index('exposures_case').on(t.caseId),
    index('exposures_contact').on(t.contactId),
    index('exposures_conversation').on(t.conversationId),
  ],
);

export const escalations = pgTable(
  'escalations',
  {
    id: id(),
    conversationId: int('conversation_id')
      .notNull()
      .references(() => conversations.id),
    reason: text('reason').notNull(),
    detail: text('detail'),
    priority: text('priority').notNull().default('normal'),
    status: text('status').notNull().default('open'),
    assigneeId: int('assignee_id').references(() => users.id),
    stepId: text('step_id'),
    outcome: text('outcome'),
    waitingSince: int('waiting_since').notNull(),
    claimedAt: int('claimed_at'),
    resolvedAt: int('resolved_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('escalations_queue').on(t.status, t.priority, t.waitingSince),
    index('escalations_assignee').on(t.assigneeId, t.status),
    index('escalations_conversation').on(t.conversationId),
  ],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: int('must_change_password').notNull().default(1),
    active: int('active').notNull().default(1),
    language: text('language').notNull().default('id'),
    maxChats: int('max_chats').notNull().default(5),
    lastLoginAt: int('last_login_at'),
    areas: text('areas').notNull().default('[]'),
    totpSecret: text('totp_secret'),
    totpLastStep: int('totp_last_step'),
    recoveryCodes: text('recovery_codes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email').on(t.email)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: int('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: int('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    role: text('role').notNull().default('coordinator'),
    lastUsedAt: int('last_used_at'),
    revokedAt: int('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    at: int('at').notNull(),
    actorKind: text('actor_kind').notNull(),
    actorId: int('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    details: text('details'),
    ip: text('ip'),
  },
  (t) => [index('audit_at').on(t.at), index('audit_entity').on(t.entityType, t.entityId)],
);

export const flowVersions = pgTable(
  'flow_versions',
  {
    id: id(),
    flowId: text('flow_id').notNull(),
    version: int('version').notNull(),
    source: text('source').notNull(),
    definition: text('definition').notNull(),
    sha256: text('sha256').notNull(),
    status: text('status').notNull(),
    publishedBy: int('published_by').references(() => users.id),
    publishedAt: int('published_at'),
    origin: text('origin'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('flow_versions_version').on(t.flowId, t.version)],
);

export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    kind: text('kind').notNull(),
    conversationId: int('conversation_id').references(() => conversations.id),
    payload: text('payload').notNull(),
    availableAt: int('available_at').notNull(),
    dispatchedAt: int('dispatched_at'),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_pending').on(t.dispatchedAt, t.id)],
);

export const whatsappAuth = pgTable(
  'whatsapp_auth',
  {
    session: text('session').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.session, t.key] })],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedBy: int('updated_by').references(() => users.id),
  updatedAt: updatedAt(),
});

export const placesVisited = pgTable(
  'places_visited',
  {
    id: id(),
    caseId: int('case_id')
      .notNull()
      .references(() => cases.id),
    name: text('name').notNull(),
    date: text('date'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    sourceKey: text('source_key'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('places_source').on(t.sourceKey), index('places_case').on(t.caseId)],
);
