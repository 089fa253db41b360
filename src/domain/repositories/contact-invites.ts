/** A contact a case named, as the invite path compares typed names with it. */
export interface InvitedContact {
  id: number;
  name: string;
}

/** Contact invite codes of cases (Telegram deep links a patient forwards to their contacts). */
export interface ContactInvitesRepository {
  /** Store a new code's hash for `caseId`. */
  issue(caseId: number, codeHash: string, now: number): void;
  /** The case an invite code belongs to. */
  caseIdByCode(codeHash: string): number | undefined;
  /** The contacts `caseId` named (merged records followed to the one kept), oldest first. */
  contactsOf(caseId: number): InvitedContact[];
}
