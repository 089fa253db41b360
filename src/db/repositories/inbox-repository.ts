import { aliasedTable, and, asc, count, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { InboxRepository } from '../../domain/repositories/inbox.js';
import { schema, type Db } from '../client.js';
import { escalationInAreas } from './area-filter.js';

const priorityRank = (e: typeof schema.escalations) => sql`CASE ${e.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END`;

/** Conversations whose patient name, phone, case number or chat id contains `term` (LIKE, case-insensitive for ASCII). */
function searchConversationsIn(db: Db, term: string) {
  const c = schema.conversations;
  const k = schema.cases;
  const pattern = `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  const like = (col: AnySQLiteColumn) => sql`${col} LIKE ${pattern} ESCAPE '\\'`;
  return db
    .select({ id: c.id })
    .from(c)
    .leftJoin(k, eq(k.id, c.caseId))
    .where(or(like(k.name), like(k.phone), like(k.externalId), like(c.channelUserId)));
}

/** The inbox over SQLite. The queue query is tuned (npm run bench -- --scale): keep its shape. */
export function createInboxRepository(db: Db): InboxRepository {
  const e = schema.escalations;
  const c = schema.conversations;
  const x = schema.exposures;
  const k = schema.contacts;
  const searchConversations = (term: string) => searchConversationsIn(db, term);
  return {
    queue(f) {
      const where: SQL[] = [];
      const statuses = f.status === 'active' ? (['open', 'pending'] as const) : ([f.status] as const);
      where.push(inArray(e.status, [...statuses]));
      if (f.view === 'mine') where.push(eq(e.assigneeId, f.userId));
      if (f.view === 'unassigned') where.push(isNull(e.assigneeId));
      if (f.areas) where.push(escalationInAreas(f.areas, f.userId));
      if (f.search) where.push(inArray(e.conversationId, searchConversations(f.search)));
      const order = f.status === 'resolved' ? [desc(e.resolvedAt), desc(e.id)] : [priorityRank(e), asc(e.waitingSince), asc(e.id)];
      // Pick the page's escalations first, then join only those: joining every open escalation to its (wide) conversation row
      // before sorting cost ~25 ms with 2,000 waiting chats (npm run bench -- --scale).
      const page = db
        .select({ id: e.id })
        .from(e)
        .where(and(...where))
        .orderBy(...order)
        .limit(Math.min(f.limit ?? 200, 500));
      return db
        .select({
          escalationId: e.id,
          conversationId: e.conversationId,
          reason: e.reason,
          detail: e.detail,
          priority: e.priority,
          status: e.status,
          outcome: e.outcome,
          channel: c.channel,
          patientName: schema.cases.name,
          channelUserId: c.channelUserId,
          assigneeId: e.assigneeId,
          assigneeName: schema.users.name,
          waitingSince: e.waitingSince,
          resolvedAt: e.resolvedAt,
          lastInboundAt: c.lastInboundAt,
          lastOutboundAt: c.lastOutboundAt,
        })
        .from(e)
        .innerJoin(c, eq(c.id, e.conversationId))
        .leftJoin(schema.cases, eq(schema.cases.id, c.caseId))
        .leftJoin(schema.users, eq(schema.users.id, e.assigneeId))
        .where(inArray(e.id, page))
        .orderBy(...order)
        .all();
    },
    queueCounts(userId, areas) {
      const unassigned = db.select({ n: count() }).from(e).where(and(eq(e.status, 'open'), isNull(e.assigneeId), areas ? escalationInAreas(areas, userId) : undefined)).get()?.n ?? 0;
      const mine = db.select({ n: count() }).from(e).where(and(eq(e.status, 'pending'), eq(e.assigneeId, userId))).get()?.n ?? 0;
      return { unassigned, mine };
    },
    newestMessages(conversationId, limit) {
      const m = schema.messages;
      return db
        .select({
          id: m.id,
          direction: m.direction,
          sender: m.sender,
          authorName: schema.users.name,
          kind: m.kind,
          text: m.text,
          payload: m.payload,
          status: m.status,
          stepId: m.stepId,
          createdAt: m.createdAt,
        })
        .from(m)
        .leftJoin(schema.users, eq(schema.users.id, m.authorId))
        .where(eq(m.conversationId, conversationId))
        .orderBy(desc(m.id))
        .limit(limit)
        .all();
    },
    lastEscalation: (conversationId) => db.select().from(e).where(eq(e.conversationId, conversationId)).orderBy(desc(e.id)).get(),
    answersOf(conversationId) {
      const a = schema.answers;
      const editor = aliasedTable(schema.users, 'editor');
      return db
        .select({ key: a.key, value: a.value, stepId: a.stepId, updatedByName: editor.name, updatedAt: a.updatedAt })
        .from(a)
        .leftJoin(editor, eq(editor.id, a.updatedBy))
        .where(eq(a.conversationId, conversationId))
        .orderBy(asc(a.id))
        .all();
    },
    exposuresOf: (conversationId, caseId) =>
      db
        .select({ exposureId: x.id, contactId: k.id, name: k.name, phone: k.phone, area: k.area, hasSymptoms: x.hasSymptoms, contactSymptoms: k.hasSymptoms, setting: x.setting, lastContactDate: x.lastContactDate })
        .from(x)
        .innerJoin(k, eq(k.id, x.contactId))
        .where(caseId === null ? eq(x.conversationId, conversationId) : or(eq(x.conversationId, conversationId), eq(x.caseId, caseId)))
        .orderBy(asc(x.id))
        .all()
        .map(({ contactSymptoms, ...r }) => ({ ...r, hasSymptoms: r.hasSymptoms ?? contactSymptoms })),

    activeChatCount: (userId) => db.select({ n: count() }).from(e).where(and(eq(e.assigneeId, userId), eq(e.status, 'pending'))).get()?.n ?? 0,
    nextUnassigned: (scope) =>
      db
        .select({ id: e.id, conversationId: e.conversationId })
        .from(e)
        .where(and(eq(e.status, 'open'), isNull(e.assigneeId), scope ? escalationInAreas(scope.areas, scope.userId) : undefined))
        .orderBy(priorityRank(e), asc(e.waitingSince), asc(e.id))
        .get(),
    assignEscalation: (id, assigneeId, now) => void db.update(e).set({ status: 'pending', assigneeId, claimedAt: now, updatedAt: now }).where(eq(e.id, id)).run(),
    unassignEscalation: (id, now) => void db.update(e).set({ status: 'open', assigneeId: null, claimedAt: null, updatedAt: now }).where(eq(e.id, id)).run(),
    resolveEscalation: (id, outcome, assigneeId, now) =>
      void db
        .update(e)
        .set({ status: 'resolved', outcome, ...(assigneeId === null ? {} : { assigneeId }), resolvedAt: now, updatedAt: now })
        .where(eq(e.id, id))
        .run(),
    answer: (conversationId, key) => {
      const a = schema.answers;
      return db.select({ id: a.id, value: a.value }).from(a).where(and(eq(a.conversationId, conversationId), eq(a.key, key))).get();
    },
    updateAnswer: (id, value, updatedBy, now) => void db.update(schema.answers).set({ value, updatedBy, updatedAt: now }).where(eq(schema.answers.id, id)).run(),
    touchConversation: (id, now, set = {}) => void db.update(c).set({ ...set, revision: sql`${c.revision} + 1`, updatedAt: now }).where(eq(c.id, id)).run(),
    exposureIn: (exposureId, conversationId, caseId) =>
      db
        .select()
        .from(x)
        .where(and(eq(x.id, exposureId), caseId === null ? eq(x.conversationId, conversationId) : or(eq(x.conversationId, conversationId), eq(x.caseId, caseId))))
        .get(),
    contact: (id) => db.select().from(k).where(eq(k.id, id)).get(),
    activeContactIdByPhone: (phone) => db.select({ id: k.id }).from(k).where(and(eq(k.phone, phone), sql`${k.mergedIntoId} IS NULL`)).get()?.id,
    updateContact: (id, set, now) => void db.update(k).set({ ...set, updatedAt: now }).where(eq(k.id, id)).run(),
    updateExposure: (id, set, now) => void db.update(x).set({ ...set, updatedAt: now }).where(eq(x.id, id)).run(),

    insertMessage: (m) =>
      db
        .insert(schema.messages)
        .values({ conversationId: m.conversationId, direction: m.direction, sender: 'tracer', authorId: m.authorId, kind: m.kind, text: m.text, channel: m.channel, status: m.status, createdAt: m.now })
        .returning({ id: schema.messages.id })
        .get().id,
    previews(ids) {
      if (ids.length === 0) return [];
      const m = schema.messages;
      const newest = db
        .select({ id: sql<number>`max(${m.id})` })
        .from(m)
        .where(and(inArray(m.conversationId, ids), inArray(m.direction, ['in', 'out'])))
        .groupBy(m.conversationId);
      const last = db.select({ conversationId: m.conversationId, text: m.text, kind: m.kind, direction: m.direction, createdAt: m.createdAt }).from(m).where(inArray(m.id, newest)).all();
      return last.map((r) => ({ ...r, direction: r.direction === 'in' ? ('in' as const) : ('out' as const) }));
    },
  };
}
