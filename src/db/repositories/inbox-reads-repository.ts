import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { InboxReadsRepository } from '../../domain/repositories/inbox-reads.js';
import type { Db } from '../client.js';
import { schema } from '../client.js';
import { inboxReads } from '../schema-inbox.js';

/** Read marks over SQLite: one row per (person, chat), the newest message id they were shown. */
export function createInboxReadsRepository(db: Db): InboxReadsRepository {
  const m = schema.messages;
  return {
    markRead(userId, conversationId, now) {
      const newest = db.select({ id: sql<number | null>`max(${m.id})` }).from(m).where(eq(m.conversationId, conversationId)).get()?.id ?? null;
      if (newest === null) return;
      db.insert(inboxReads)
        .values({ userId, conversationId, lastReadMessageId: newest, readAt: now })
        .onConflictDoUpdate({
          target: [inboxReads.userId, inboxReads.conversationId],
          set: { lastReadMessageId: sql`max(${inboxReads.lastReadMessageId}, excluded.last_read_message_id)`, readAt: now },
        })
        .run();
    },
    unread(userId, ids) {
      if (ids.length === 0) return new Map();
      const rows = db
        .select({ conversationId: m.conversationId, n: count() })
        .from(m)
        .leftJoin(inboxReads, and(eq(inboxReads.conversationId, m.conversationId), eq(inboxReads.userId, userId)))
        .where(and(inArray(m.conversationId, ids), eq(m.direction, 'in'), sql`${m.id} > coalesce(${inboxReads.lastReadMessageId}, 0)`))
        .groupBy(m.conversationId)
        .all();
      return new Map(rows.map((r) => [r.conversationId, r.n]));
    },
  };
}
