import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The whole product's data, one source of truth. Times are epoch milliseconds (integer), calendar dates ISO
 * `YYYY-MM-DD` text, phones E.164 text, structured blobs JSON text.
 */

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
const createdAt = () => integer('created_at').notNull().default(now);
const updatedAt = () => integer('updated_at').notNull().default(now);

/** Confirmed patients (index cases). */
export const cases = sqliteTable(
  'cases',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    dateOfBirth: text('date_of_birth'),
    language: text('language', { enum: ['id', 'en'] }).notNull().default('id'),
    area: text('area'),
    testDate: text('test_date'),
    confirmedAt: integer('confirmed_at').notNull(),
    /** new -> contacting -> interviewing -> completed; or needs_call / unreachable / opted_out. */
    status: text('status', {
      enum: ['new', 'contacting', 'interviewing', 'completed', 'needs_call', 'unreachable', 'opted_out'],
    })
      .notNull()
      .default('new'),
    /** SHA-256 of the single-use Telegram start code; the code itself is shown once. */
    startCodeHash: text('start_code_hash'),
    startCodeExpiresAt: integer('start_code_expires_at'),
    startCodeUsedAt: integer('start_code_used_at'),
    /** The contact record this person had before being confirmed: links transmission chains. */
    sourceContactId: integer('source_contact_id').references(() => contacts.id),
    interviewCompletedAt: integer('interview_completed_at'),
    /** When outreach was last asked for (to the minute): SQLite's record of it, so a Redis that lost the job can be refilled. */
    outreachRequestedAt: integer('outreach_requested_at'),
    firstReachedAt: integer('first_reached_at'),
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

/** One interview on one channel. `owner` is changed only through `domain/ownership.ts` (one writer: conversations-repository.ts). */
export const conversations = sqliteTable(
  'conversations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channel: text('channel', { enum: ['telegram', 'whatsapp', 'fake'] }).notNull(),
    channelUserId: text('channel_user_id').notNull(),
    caseId: integer('case_id').references(() => cases.id),
    flowId: text('flow_id').notNull(),
    flowVersion: integer('flow_version').notNull(),
    stepId: text('step_id'),
    /** The engine's ConversationState as JSON. */
    state: text('state').notNull(),
    owner: text('owner', { enum: ['bot', 'tracer', 'closed'] }).notNull().default('bot'),
    assigneeId: integer('assignee_id').references(() => users.id),
    /** Why it was closed: completed, stopped, expired, resolved, unreachable. */
    closedReason: text('closed_reason'),
    optedOut: integer('opted_out', { mode: 'boolean' }).notNull().default(false),
    unreachable: integer('unreachable', { mode: 'boolean' }).notNull().default(false),
    lang: text('lang', { enum: ['id', 'en'] }).notNull().default('id'),
    /**
     * Unused: nothing reads or writes it any more (timers compare the last inbound/outbound times instead). Left in place
     * until a migration drops it, so this change needs no schema migration.
     */
    inboundSeq: integer('inbound_seq').notNull().default(0),
    lastInboundAt: integer('last_inbound_at'),
    lastOutboundAt: integer('last_outbound_at'),
    /** Bumped on every change, for live updates and optimistic checks. */
    revision: integer('revision').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // At most one open conversation per chat; closed ones stay as history.
    uniqueIndex('conversations_open_chat').on(t.channel, t.channelUserId).where(sql`owner <> 'closed'`),
    index('conversations_chat').on(t.channel, t.channelUserId),
    index('conversations_case').on(t.caseId),
    index('conversations_owner').on(t.owner, t.assigneeId),
  ],
);

/** The transcript, both directions, plus tracers' internal notes. */
export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    direction: text('direction', { enum: ['in', 'out', 'note'] }).notNull(),
    sender: text('sender', { enum: ['patient', 'bot', 'tracer', 'system'] }).notNull(),
    authorId: integer('author_id').references(() => users.id),
    /** text, start, choice, contacts, media, location, edited, note. */
    kind: text('kind').notNull(),
    text: text('text'),
    /** Choices offered, media kind, contact cards...: JSON. */
    payload: text('payload'),
    channel: text('channel', { enum: ['telegram', 'whatsapp', 'fake'] }).notNull(),
    /** Inbound: the platform's id (unique per channel, de-duplicates). Outbound: the first id the platform returned. */
    channelMessageId: text('channel_message_id'),
    stepId: text('step_id'),
    /** Outbound delivery: queued -> sent (-> delivered -> read, from platform receipts), or failed. Inbound: received. */
    status: text('status', { enum: ['received', 'queued', 'sent', 'delivered', 'read', 'failed'] }).notNull(),
    error: text('error'),
    sentAt: integer('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_inbound_dedup').on(t.channel, t.channelMessageId).where(sql`direction = 'in'`),
    index('messages_conversation').on(t.conversationId, t.id),
  ],
);

/** Answers saved by the flow (or corrected by a tracer); one row per key per conversation. */
export const answers = sqliteTable(
  'answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    caseId: integer('case_id').references(() => cases.id),
    key: text('key').notNull(),
    /** JSON of the AnswerValue (or of a collected list). */
    value: text('value').notNull(),
    raw: text('raw'),
    stepId: text('step_id'),
    updatedBy: integer('updated_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('answers_key').on(t.conversationId, t.key), index('answers_case').on(t.caseId)],
);

/** A person named as a close contact; de-duplicated by normalised phone. */
export const contacts = sqliteTable(
  'contacts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    phone: text('phone'),
    area: text('area'),
    hasSymptoms: integer('has_symptoms', { mode: 'boolean' }),
    /** Set when a coordinator merged this record into another; merged records are hidden. */
    mergedIntoId: integer('merged_into_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('contacts_phone').on(t.phone).where(sql`phone IS NOT NULL AND merged_into_id IS NULL`), index('contacts_name').on(t.name)],
);

/** A case's exposure of a contact: the edge of a transmission chain. */
export const exposures = sqliteTable(
  'exposures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    contactId: integer('contact_id')
      .notNull()
      .references(() => contacts.id),
    conversationId: integer('conversation_id').references(() => conversations.id),
    /** household, workplace, school, health_facility, worship, transport, social, other. */
    setting: text('setting'),
    lastContactDate: text('last_contact_date'),
    hasSymptoms: integer('has_symptoms', { mode: 'boolean' }),
    notes: text('notes'),
    /** The event that produced it (`conversation:step:index`): re-processing is a no-op. */
    sourceKey: text('source_key'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('exposures_source').on(t.sourceKey),
    index('exposures_case').on(t.caseId),
    index('exposures_contact').on(t.contactId),
    // The conversation page lists a chat's exposures; without it every view scans the table.
    index('exposures_conversation').on(t.conversationId),
  ],
);

/** A request for a person. open = waiting in the queue, pending = claimed by a tracer, resolved. */
export const escalations = sqliteTable(
  'escalations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id),
    reason: text('reason').notNull(),
    detail: text('detail'),
    priority: text('priority', { enum: ['normal', 'high', 'urgent'] }).notNull().default('normal'),
    status: text('status', { enum: ['open', 'pending', 'resolved'] }).notNull().default('open'),
    assigneeId: integer('assignee_id').references(() => users.id),
    stepId: text('step_id'),
    outcome: text('outcome'),
    waitingSince: integer('waiting_since').notNull(),
    claimedAt: integer('claimed_at'),
    resolvedAt: integer('resolved_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('escalations_queue').on(t.status, t.priority, t.waitingSince),
    index('escalations_assignee').on(t.assigneeId, t.status),
    index('escalations_conversation').on(t.conversationId),
  ],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['tracer', 'coordinator', 'admin'] }).notNull(),
    /** scrypt: `scrypt$N$r$p$salt$hash` (base64). */
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(true),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    language: text('language', { enum: ['id', 'en'] }).notNull().default('id'),
    /** Auto-assignment cap: open chats at once. */
    maxChats: integer('max_chats').notNull().default(5),
    lastLoginAt: integer('last_login_at'),
    /** JSON array of area codes (src/domain/areas.ts); empty: no area, which for a coordinator means every area. */
    areas: text('areas').notNull().default('[]'),
    /** Base32 TOTP secret once two-factor login is turned on (null: off). */
    totpSecret: text('totp_secret'),
    /** The last 30-s time step whose code signed in: a code is accepted once (RFC 6238 §5.2). */
    totpLastStep: integer('totp_last_step'),
    /** JSON array of SHA-256 hashes of the unused recovery codes. */
    recoveryCodes: text('recovery_codes'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email').on(t.email)],
);

/** Browser sessions; `id` is the SHA-256 of the cookie value. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: integer('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/** API bearer tokens; only the SHA-256 is stored. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    role: text('role', { enum: ['tracer', 'coordinator', 'admin'] }).notNull().default('coordinator'),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash)],
);

/** Every tracer, coordinator and admin action; append-only. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    actorKind: text('actor_kind', { enum: ['user', 'token', 'system'] }).notNull(),
    actorId: integer('actor_id'),
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    /** JSON: what changed (ids and field names; no message text). */
    details: text('details'),
    ip: text('ip'),
  },
  (t) => [index('audit_at').on(t.at), index('audit_entity').on(t.entityType, t.entityId)],
);

/** Flow versions: drafts and published versions; running conversations keep the version they started on. */
export const flowVersions = sqliteTable(
  'flow_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    flowId: text('flow_id').notNull(),
    /** 0 for the working draft, 1.. for published versions. */
    version: integer('version').notNull(),
    source: text('source').notNull(),
    /** The validated FlowDefinition as JSON. */
    definition: text('definition').notNull(),
    sha256: text('sha256').notNull(),
    status: text('status', { enum: ['draft', 'published', 'retired'] }).notNull(),
    publishedBy: integer('published_by').references(() => users.id),
    publishedAt: integer('published_at'),
    /** Where it came from: `file:flows/x.yaml`, `editor`, `rollback:N`. */
    origin: text('origin'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('flow_versions_version').on(t.flowId, t.version)],
);

/** Effects committed with an engine turn, dispatched to queues after the commit (transactional outbox). */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** `send` (deliver stored replies) or `event` (a domain event for the registry and webhooks): see services/outbox.ts. */
    kind: text('kind').notNull(),
    conversationId: integer('conversation_id').references(() => conversations.id),
    payload: text('payload').notNull(),
    /** When the row may be dispatched; the sweeper picks up rows available for longer than its grace period. */
    availableAt: integer('available_at').notNull(),
    /** Set once its jobs are queued; dispatched rows are pruned after a week. */
    dispatchedAt: integer('dispatched_at'),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_pending').on(t.dispatchedAt, t.id)],
);

/** baileys' auth state (credentials and signal keys), one row per key. */
export const whatsappAuth = sqliteTable(
  'whatsapp_auth',
  {
    session: text('session').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.session, t.key] })],
);

/** Coordinator settings that change at run time (contact target, quarantine days...). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedBy: integer('updated_by').references(() => users.id),
  updatedAt: updatedAt(),
});

/** Places visited in the exposure window (collected with `kind: place`). */
export const placesVisited = sqliteTable(
  'places_visited',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseId: integer('case_id')
      .notNull()
      .references(() => cases.id),
    name: text('name').notNull(),
    date: text('date'),
    latitude: real('latitude'),
    longitude: real('longitude'),
    sourceKey: text('source_key'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('places_source').on(t.sourceKey), index('places_case').on(t.caseId)],
);
