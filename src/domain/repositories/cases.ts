/** Where a case stands: new -> contacting -> interviewing -> completed; or needs_call / unreachable / opted_out. */
export type CaseStatus = 'new' | 'contacting' | 'interviewing' | 'completed' | 'needs_call' | 'unreachable' | 'opted_out';

/** A cases row (a confirmed patient). */
export interface CaseRecord {
  id: number;
  externalId: string;
  name: string;
  phone: string | null;
  dateOfBirth: string | null;
  language: 'id' | 'en';
  area: string | null;
  testDate: string | null;
  confirmedAt: number;
  status: CaseStatus;
  startCodeHash: string | null;
  startCodeExpiresAt: number | null;
  startCodeUsedAt: number | null;
  sourceContactId: number | null;
  interviewCompletedAt: number | null;
  firstReachedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** A case as the API and the case page show it: the record without its start-code secrets and bookkeeping times. */
export type CaseSummary = Omit<CaseRecord, 'startCodeHash' | 'startCodeExpiresAt' | 'startCodeUsedAt' | 'createdAt' | 'updatedAt'>;

/** A row of the coordinators' case list. */
export type CaseListItem = Pick<CaseRecord, 'id' | 'externalId' | 'name' | 'area' | 'status' | 'confirmedAt' | 'firstReachedAt' | 'interviewCompletedAt'> & {
  /** Exposures (contacts named) recorded for the case. */
  contacts: number;
};

/** A case to insert, already validated (phone E.164), with the hash of its start code. */
export interface NewCase {
  externalId: string;
  name: string;
  phone: string | null;
  dateOfBirth: string | null;
  testDate: string | null;
  confirmedAt: number;
  language: 'id' | 'en';
  area: string | null;
  sourceContactId: number | null;
  startCodeHash: string;
  startCodeExpiresAt: number;
  now: number;
}

/** A conversation of a case, as listed on the case page. */
export interface CaseConversationItem {
  id: number;
  channel: string;
  flowId: string;
  flowVersion: number;
  stepId: string | null;
  owner: string;
  closedReason: string | null;
  createdAt: number;
}

/** A contact a case named (one per exposure). `hasSymptoms` is SQLite's 0/1. */
export interface CaseContactItem {
  contactId: number;
  name: string;
  phone: string | null;
  setting: string | null;
  lastContactDate: string | null;
  hasSymptoms: number | null;
}

/** A transcript line of a case's conversations. */
export interface CaseTranscriptItem {
  id: number;
  conversationId: number;
  direction: string;
  sender: string;
  kind: string;
  text: string | null;
  status: string;
  createdAt: number;
}

/** Filter of the case list: a status and/or a name / case-id fragment. */
export interface CaseListQuery {
  status?: string;
  search?: string;
}

/** Cases. */
export interface CasesRepository {
  // --- lookups and updates of the message pipeline (core) ---
  byId(id: number): CaseRecord | undefined;
  byStartCodeHash(hash: string): CaseRecord | undefined;
  /** The most recently confirmed case with this phone that is still being traced. */
  activeByPhone(phone: string): CaseRecord | undefined;
  /** A case with this case number (any letter case) and date of birth that has not opted out. */
  idByIdentity(externalId: string, dateOfBirth: string): number | undefined;
  /** Redeem the single-use start code; false when it was used meanwhile. */
  useStartCode(id: number, now: number): boolean;
  /** The patient answered: first reached now (if not before), and the interview is under way. */
  markReached(id: number, now: number): void;
  markCompleted(id: number, now: number): void;
  setStatus(id: number, status: CaseStatus, now: number): void;
  /** A reply could not be delivered, unless the case is already completed or opted out. */
  markUnreachable(id: number, now: number): void;
  /**
   * Outreach could not reach the number: a tracer must call (only from new or contacting). With `why` (outreach gave up),
   * the same transaction records the reason code and job id in the audit log. True when the status changed.
   */
  /** Record that outreach was asked for these cases at `minute` (epoch ms, whole minute). */
  markOutreachRequested(ids: number[], minute: number): void;
  /** Cases still `new` whose outreach was asked for before `before`: their jobs are re-added (a no-op where they exist). */
  pendingOutreach(before: number, limit: number): { id: number; outreachRequestedAt: number }[];
  markNeedsCall(id: number, now: number, why?: { reason: 'outreach:failed' | 'outreach:channel_unavailable'; jobId: string }): boolean;
  // --- data: case records, imports, case page and API reads ---
  /** Ids of the cases with these external ids (any number: chunked below SQLite's variable limit). */
  idsByExternalId(externalIds: readonly string[]): Map<string, number>;
  /** The active (not merged) contact with this phone, to link a new case to the contact it was. */
  activeContactIdByPhone(phone: string): number | undefined;
  /** Insert one case; returns its id. */
  insert(c: NewCase): number;
  /** Replace the start code (clearing its use); false when the case does not exist. */
  replaceStartCode(caseId: number, startCodeHash: string, expiresAt: number, now: number): boolean;
  /** A case id from a numeric id (preferred) or an external id. */
  findIdByRef(ref: string): number | undefined;
  /** The case without its secrets, or undefined. */
  summary(id: number): CaseSummary | undefined;
  conversationsOf(caseId: number): CaseConversationItem[];
  /** The case's answers (JSON text), oldest first. */
  answersOf(caseId: number): { key: string; value: string }[];
  contactsOf(caseId: number): CaseContactItem[];
  transcriptOf(conversationIds: readonly number[]): CaseTranscriptItem[];
  /** The newest 300 cases matching the filter. */
  listRecent(q: CaseListQuery): CaseListItem[];
  /** How many cases exist. */
  count(): number;
  // --- end data ---
}
