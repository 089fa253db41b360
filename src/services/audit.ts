import type { AuditFilter, AuditListItem, Repositories } from '../domain/repositories/index.js';

export type { AuditFilter } from '../domain/repositories/index.js';

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
export function audit(repos: Pick<Repositories, 'audit'>, entry: AuditEntry, at: number): number {
  return repos.audit.append({
    at,
    actorKind: entry.actorKind,
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType ?? null,
    entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
    details: entry.details ? JSON.stringify(entry.details) : null,
    ip: entry.ip ?? null,
  });
}

export type AuditRow = AuditListItem;

/** The newest audit rows matching the filter, newest first, with the acting user's email. */
export function listAudit(repos: Pick<Repositories, 'audit'>, filter: AuditFilter = {}): AuditRow[] {
  return repos.audit.list(filter);
}
