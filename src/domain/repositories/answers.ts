/** A saved answer: JSON value, one per key per conversation. */
export interface AnswerWrite {
  conversationId: number;
  caseId: number | null;
  key: string;
  /** JSON of the AnswerValue (or of a collected list). */
  value: string;
  raw: string | null;
  stepId: string | null;
  now: number;
}

/** Answers saved by the flow. */
export interface AnswersRepository {
  /** Insert, or replace the value of the same key in the same conversation. */
  upsert(a: AnswerWrite): void;
}
