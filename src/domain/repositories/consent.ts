/** One answer to a consent question (issue 17): what was shown, the answer, when, under which flow version. */
export interface ConsentRecord {
  id: number;
  conversationId: number;
  caseId: number | null;
  flowId: string;
  flowVersion: number;
  stepId: string;
  textShown: string;
  language: 'id' | 'en';
  answer: 'given' | 'declined';
  answeredAt: number;
}

/** Consent records, and what a declined chat may keep. */
export interface ConsentRepository {
  /** Store one consent answer. */
  record(r: Omit<ConsentRecord, 'id'>): number;
  /** The text of the last bot message a conversation was sent for a step (what the person read before answering). */
  lastShown(conversationId: number, stepId: string): string | undefined;
  /** A case's consent records, oldest first. */
  forCase(caseId: number): ConsentRecord[];
  /**
   * A person declined: remove the answers of this conversation except `keep`, and the texts the person typed (the
   * transcript keeps that a message came and when, not what it said). Returns how many answers and texts were removed.
   */
  forgetDeclined(conversationId: number, keep: readonly string[]): { answers: number; texts: number };
}
