import { and, eq, inArray, desc } from 'drizzle-orm';
import { schema, type Db } from '../../db/index.js';
import { createConversationsRepository } from '../../db/repositories/index.js';
import type { Ownership } from '../../domain/ownership.js';
import type { InboxRefusal } from './types.js';

// Transitional: the inbox actions (claim, finish, messages, edit, queries) still read through drizzle here until they move
// to repositories (issue 10). New code uses the repositories and services/change-ownership.ts directly.

export type ConversationRow = typeof schema.conversations.$inferSelect;
export type EscalationRow = typeof schema.escalations.$inferSelect;

/** The conversation row, or undefined. */
export function loadConversation(db: Db, id: number): ConversationRow | undefined {
  return db.select().from(schema.conversations).where(eq(schema.conversations.id, id)).get();
}

/** The conversation's escalation that is still open or pending (at most one is), or undefined. */
export function activeEscalation(db: Db, conversationId: number): EscalationRow | undefined {
  const e = schema.escalations;
  return db
    .select()
    .from(e)
    .where(and(eq(e.conversationId, conversationId), inArray(e.status, ['open', 'pending'])))
    .orderBy(desc(e.id))
    .get();
}

/**
 * Write an ownership computed by `transition` from `current`, only if the row still has `current` (compare-and-set):
 * even if two processes raced past their reads, one update matches and the other changes nothing. True when written.
 * Goes through the conversations repository, the one writer of the owner column.
 */
export function writeOwnership(db: Db, conversationId: number, current: Ownership, next: Ownership, now: number, extra: { closedReason?: string | null } = {}): boolean {
  return createConversationsRepository(db).writeOwnership(conversationId, current, next, now, extra);
}

/** The refusal for a chat someone else holds, naming them. */
export function heldBy(db: Db, error: 'already_claimed' | 'not_assignee', userId: number | null): InboxRefusal {
  if (userId === null) return { ok: false, error, by: null };
  const u = db.select({ id: schema.users.id, name: schema.users.name }).from(schema.users).where(eq(schema.users.id, userId)).get();
  return { ok: false, error, by: u ?? { id: userId, name: `#${userId}` } };
}
