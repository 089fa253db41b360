/** Read-only figures for coordinators: the dashboard, transmission chains and CSV exports (interface only). */

export interface DashboardCaseRow {
  id: number;
  confirmedAt: number;
  reachedAt: number | null;
  completedAt: number | null;
  status: string;
  contacts: number;
}

export interface ChainExposureRow {
  caseId: number;
  contactId: number;
  setting: string | null;
  lastContactDate: string | null;
}

/** A CSV row keyed by column name, values as stored (times epoch ms). */
export type ExportRow = Record<string, string | number | null>;

/** An escalation as the API lists it. */
export interface EscalationListItem {
  id: number;
  conversationId: number;
  caseId: number | null;
  channel: string;
  reason: string;
  priority: 'normal' | 'high' | 'urgent';
  status: 'open' | 'pending' | 'resolved';
  assigneeId: number | null;
  waitingSince: number;
  claimedAt: number | null;
  resolvedAt: number | null;
  outcome: string | null;
}

export interface ReportRepository {
  /** Escalations (all, or of one status), urgent/high first then oldest waiting. */
  listEscalations(status: 'open' | 'pending' | 'resolved' | undefined, limit: number): EscalationListItem[];
  // dashboard
  /** Cases confirmed in [startMs, endMs), with their exposure count. */
  casesConfirmed(startMs: number, endMs: number): DashboardCaseRow[];
  /** Open and pending escalations. */
  escalationQueue(): { status: 'open' | 'pending'; assigneeId: number | null; waitingSince: number }[];
  /** Creation times of escalations raised in [startMs, endMs). */
  escalationsRaised(startMs: number, endMs: number): { at: number }[];
  /** Assignees of escalations resolved in [startMs, endMs). */
  escalationsResolved(startMs: number, endMs: number): { assigneeId: number | null }[];
  /** Creation times of exposures recorded in [startMs, endMs). */
  exposuresRecorded(startMs: number, endMs: number): { at: number }[];
  /** Every user, by name (active as 0/1). */
  users(): { id: number; name: string; role: string; active: number }[];
  // chains
  /** Exposures of active contacts, by id. */
  chainExposures(): ChainExposureRow[];
  /** Cases that were a contact before, by id. */
  becameCase(): { caseId: number; contactId: number }[];
  caseExists(id: number): boolean;
  chainCases(ids: readonly number[]): { id: number; externalId: string; name: string; status: string; area: string | null; confirmedAt: number }[];
  chainContacts(ids: readonly number[]): { id: number; name: string; phone: string | null; area: string | null }[];
  // exports (column names as in the CSV)
  exportCases(fromMs: number, toMs: number): ExportRow[];
  exportContacts(): ExportRow[];
  exportExposures(): ExportRow[];
}
