/**
 * Read-only figures over the monitoring tables for the coordinators' pages (issue 16): the dashboard's follow-up
 * indicators and what the monitoring page adds to the monitoring repository's roster. Interface only; SQLite in src/db/repositories.
 */

/** A monitoring record named (elicited) in the range, as the indicators need it. */
export interface FollowUpReportRow {
  elicitedAt: number;
  /** First told: the notification's first message, or a tracer's call that reached them. */
  notifiedAt: number | null;
  status: 'active' | 'released' | 'became_case' | 'closed';
}

export interface FollowUpReportRepository {
  /** Monitoring records whose first exposure was recorded in [startMs, endMs). */
  namedBetween(startMs: number, endMs: number): FollowUpReportRow[];
  /** Check-ins sent in [startMs, endMs) whose day is settled (answered, or missed), with when they were answered. */
  checkInsSentBetween(startMs: number, endMs: number): { sentAt: number; answeredAt: number | null }[];
  /** Cases confirmed in [startMs, endMs), and how many of them were on the contact list before (source_contact_id). */
  casesFromContacts(startMs: number, endMs: number): { total: number; fromContacts: number };
  /** Check-ins planned for local day `date` (any status). */
  checkInsOn(date: string): number;
  /**
   * Active records told and identified (replied) whose check-in days cover `date`: the check-ins the day's tick will plan
   * (the rows `planDay` selects), counted before it runs.
   */
  checkInsExpected(date: string): number;
}
