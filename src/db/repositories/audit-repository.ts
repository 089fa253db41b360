import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { AuditRepository } from '../../domain/repositories/audit.js';
import { schema, type Db } from '../client.js';

/** The audit log over SQLite. */
export function createAuditRepository(db: Db): AuditRepository {
  const a = schema.auditLog;
  return {
    append: (row) => db.insert(a).values(row).returning({ id: a.id }).get().id,
    list(filter) {
      const where: SQL[] = [];
      if (filter.action) where.push(eq(a.action, filter.action));
      if (filter.actorId !== undefined) where.push(eq(a.actorId, filter.actorId));
      if (filter.entityType) where.push(eq(a.entityType, filter.entityType));
      if (filter.entityId) where.push(eq(a.entityId, filter.entityId));
      if (filter.since !== undefined) where.push(gte(a.at, filter.since));
      if (filter.beforeId !== undefined) where.push(lt(a.id, filter.beforeId));
      const rows = db
        .select({ row: a, actorEmail: schema.users.email })
        .from(a)
        .leftJoin(schema.users, and(eq(a.actorKind, 'user'), eq(schema.users.id, a.actorId)))
        .where(where.length ? and(...where) : undefined)
        .orderBy(desc(a.id))
        .limit(Math.min(filter.limit ?? 100, 500))
        .all();
      return rows.map((r) => ({ ...r.row, actorEmail: r.actorEmail }));
    },
  };
}
