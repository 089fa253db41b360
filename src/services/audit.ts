import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { schema, type Db } from '../db/index.js';

/** One audited action. `details` is JSON-serialisable: ids, field names, old/new values of edited fields; never message text. */
export interface AuditEntry {
  actorKind: 'user' | 'token' | 'system';
  actorId: number | null;
  action: string;
  entityType?: string | null;
  entityId?: string | number | null;
  details?: Record<string, unknown> | null;
  ip?: string | null;
}

/** Append one row to the audit log; call it inside the transaction that makes the change, so both commit or neither. */
export function audit(db: Db, entry: AuditEntry, at: number): number {
  return db
    .insert(schema.auditLog)
    .values({
      at,
      actorKind: entry.actorKind,
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType ?? null,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      details: entry.details ? JSON.stringify(entry.details) : null,
      ip: entry.ip ?? null,
    })
    .returning({ id: schema.auditLog.id })
    .get().id;
}

export interface AuditFilter {
  action?: string;
  actorId?: number;
  entityType?: string;
  entityId?: string;
  /** Only rows at or after this epoch ms. */
  since?: number;
  /** Rows with a smaller id (paging backwards). */
  beforeId?: number;
  limit?: number;
}

export type AuditRow = typeof schema.auditLog.$inferSelect & { actorEmail: string | null };

/** The newest audit rows matching the filter, newest first, with the acting user's email. */
export function listAudit(db: Db, filter: AuditFilter = {}): AuditRow[] {
  const a = schema.auditLog;
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
}
