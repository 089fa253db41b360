/** The append-only audit log (interface only; the SQLite implementation is in src/db/repositories). */

/** One audit row as stored: `entityId` as text, `details` as JSON text. */
export interface AuditRecord {
  id: number;
  at: number;
  actorKind: 'user' | 'token' | 'system';
  actorId: number | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  details: string | null;
  ip: string | null;
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

/** An audit row with the acting user's email (null for tokens, the system, or a deleted user). */
export type AuditListItem = AuditRecord & { actorEmail: string | null };

export interface AuditRepository {
  /** Append a row; returns its id. */
  append(row: Omit<AuditRecord, 'id'>): number;
  /** Newest first, at most `limit` (capped at 500). */
  list(filter: AuditFilter): AuditListItem[];
}
