/** Every conversation, finished or not, for staff to find one (interface only; SQLite in src/db/repositories). */

export type DirectoryStatus = 'bot' | 'tracer' | 'closed' | 'unlinked';

export interface DirectoryQuery {
  /** Matches the case's name, phone or case number, or the chat's own id (a phone on WhatsApp and /phone). */
  search?: string;
  status?: DirectoryStatus;
  channel?: 'telegram' | 'whatsapp' | 'fake';
  /** Only chats of cases in these areas (an empty list: only chats without a case). Absent: no area filter. */
  areas?: string[];
  limit?: number;
}

export interface DirectoryRow {
  conversationId: number;
  channel: 'telegram' | 'whatsapp' | 'fake';
  channelUserId: string;
  owner: 'bot' | 'tracer' | 'closed';
  closedReason: string | null;
  assigneeName: string | null;
  caseId: number | null;
  caseExternalId: string | null;
  caseName: string | null;
  caseArea: string | null;
  createdAt: number;
  lastActivityAt: number;
}

export interface ConversationDirectoryRepository {
  /** Conversations matching the query, most recently active first. */
  search(q: DirectoryQuery): DirectoryRow[];
  /** Attach a chat that has no case to a case, with its saved answers; false when the chat already has one. */
  linkCase(conversationId: number, caseId: number, now: number): boolean;
}
