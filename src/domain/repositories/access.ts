/** What need-to-know access decisions read (interface only; the SQLite implementation is in src/db/repositories). */

/** The facts that decide who may open a conversation. */
export interface ConversationAccessFacts {
  /** The linked case's area as written (free text or a code), or null. */
  area: string | null;
  /** An escalation of the chat is open or pending. */
  escalated: boolean;
  /** The user holds the chat now, or held one of its escalations. */
  assignedToUser: boolean;
}

/** One opening of a case or conversation page (from the audit log). */
export interface PageView {
  at: number;
  actorId: number | null;
  actorEmail: string | null;
  entityType: string;
  entityId: string;
}

export interface AccessRepository {
  /** The access facts of a conversation for a user, or undefined for an unknown conversation. */
  conversationFacts(conversationId: number, userId: number): ConversationAccessFacts | undefined;
  /** The area a case's record gives (free text or a code); undefined for an unknown case. */
  caseArea(caseId: number): string | null | undefined;
  /** Who opened this case's page or one of its conversations, newest first (at most `limit`). */
  caseViews(caseId: number, limit: number): PageView[];
}
