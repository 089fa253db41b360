/** How far each staff member has read each chat (the inbox's unread counts). */
export interface InboxReadsRepository {
  /** The person has seen the chat up to its newest message now; never moves the mark backwards. */
  markRead(userId: number, conversationId: number, now: number): void;
  /** Patient messages each person has not seen yet, by conversation (missing: none). */
  unread(userId: number, conversationIds: number[]): Map<number, number>;
}
