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
  /** Outreach could not reach the number: a tracer must call (only from new or contacting). */
  markNeedsCall(id: number, now: number): void;
}
