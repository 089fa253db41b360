/** Records whose personal data a retention run or an erasure removes (ids only). */
export interface RedactionTargets {
  conversationIds: number[];
  caseIds: number[];
  contactIds: number[];
}

/** How much personal data a set of records holds: what removing it takes away (counts only, never the data). */
export interface RedactionCounts {
  conversations: number;
  cases: number;
  contacts: number;
  /** Transcript messages with a text or payload. */
  messageTexts: number;
  answers: number;
  places: number;
  /** Audit rows that record old/new values of edited fields. */
  auditValues: number;
}

/** Why personal data was removed. */
export type RedactionReason = 'retention' | 'erasure';

/** A recurring job's row (see `scheduled_jobs`). */
export interface ScheduledJobRecord {
  name: string;
  dueAt: number;
  lastRunAt: number | null;
  lastResult: string | null;
}

/** A two-step erasure request (see `erasure_requests`). */
export interface ErasureRequestRecord {
  id: number;
  subjectHash: string;
  status: 'requested' | 'done' | 'cancelled';
  requestedBy: number;
  requestedAt: number;
  expiresAt: number;
  confirmedBy: number | null;
  confirmedAt: number | null;
  result: string | null;
}

/** Everything held about one person, as stored rows (the export). Column names as in the database. */
export interface SubjectRows {
  cases: Record<string, unknown>[];
  conversations: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  answers: Record<string, unknown>[];
  contacts: Record<string, unknown>[];
  exposures: Record<string, unknown>[];
  places: Record<string, unknown>[];
  /** Their follow-up as a named contact (quarantine dates, status) and its daily check-ins. */
  followUp: Record<string, unknown>[];
  checkins: Record<string, unknown>[];
  escalations: Record<string, unknown>[];
  /** Consent questions answered: flow version, the text shown, the answer, when. */
  consent: Record<string, unknown>[];
  /** Who did what and when about these records (details included: they hold no message text). */
  audit: Record<string, unknown>[];
  redactions: Record<string, unknown>[];
}

/** How a person is looked up: by phone (cases, contacts and chats with that number) or by one case. */
export type SubjectLookup = { phone: string; chatIds: string[] } | { caseId: number };

/** Retention, subject access and erasure over the database. */
export interface PrivacyRepository {
  /**
   * Records not yet redacted whose personal data is due: conversations over (closed, or completed or stopped while the bot
   * holds them) and unchanged since `cutoff`; cases with no conversation going on or changed since then and themselves
   * unchanged since then; contacts unchanged since then whose every
   * exposure and every case they became belongs to such a case (or one already redacted). At most `limit` of each kind
   * (all when absent), lowest ids first.
   */
  dueForRetention(cutoff: number, limit?: number): RedactionTargets;
  /** What these records hold now (counts). */
  measure(t: RedactionTargets): RedactionCounts;
  /**
   * Remove the personal data of these records and mark them redacted, keeping the rows and their non-personal columns
   * (dates, statuses, settings, areas) that the dashboard and exports count. `erasure` also replaces the case number.
   */
  redact(t: RedactionTargets, reason: RedactionReason, at: number): RedactionCounts;
  /** The records of a person (ids). */
  findSubject(q: SubjectLookup): RedactionTargets;
  /** The stored rows of these records, for an export. */
  subjectRows(t: RedactionTargets): SubjectRows;
  /** Outbox ids of these conversations (their Redis jobs are named after them). */
  outboxIdsFor(conversationIds: number[]): number[];
  /** Chat ids (`channel:channelUserId`) of these conversations. */
  chatKeysFor(conversationIds: number[]): string[];
  /** Conversations among these that are still going on (not closed, and not a completed or stopped interview). */
  openConversations(conversationIds: number[]): number[];

  scheduledJob(name: string): ScheduledJobRecord | undefined;
  /** Create the job's row due at `dueAt` unless it exists. */
  ensureScheduledJob(name: string, dueAt: number): void;
  /** Claim the occurrence due at or before `now` by moving its due time to `nextDueAt`; false when not due or taken. */
  claimScheduledJob(name: string, now: number, nextDueAt: number): boolean;
  recordScheduledRun(name: string, at: number, result: string): void;

  insertErasureRequest(r: { subjectHash: string; requestedBy: number; requestedAt: number; expiresAt: number }): number;
  erasureRequest(id: number): ErasureRequestRecord | undefined;
  /** Move a `requested` request to `done` or `cancelled`; false when it was not `requested` any more. */
  finishErasureRequest(id: number, status: 'done' | 'cancelled', by: number, at: number, result: string | null): boolean;
}
