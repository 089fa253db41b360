import type { Db } from '../../../src/db/index.js';

/** Insert a case row directly (exact timestamps for hand-computed fixtures); returns its id. */
export function insertCase(
  db: Db,
  c: { externalId: string; name?: string; phone?: string | null; area?: string | null; confirmedAt: number; firstReachedAt?: number | null; completedAt?: number | null; status?: string; sourceContactId?: number | null },
): number {
  return (
    db.$client
      .prepare(
        `INSERT INTO cases (external_id, name, phone, area, confirmed_at, first_reached_at, interview_completed_at, status, source_contact_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(
        c.externalId,
        c.name ?? `Case ${c.externalId}`,
        c.phone ?? null,
        c.area ?? null,
        c.confirmedAt,
        c.firstReachedAt ?? null,
        c.completedAt ?? null,
        c.status ?? (c.completedAt ? 'completed' : c.firstReachedAt ? 'interviewing' : 'new'),
        c.sourceContactId ?? null,
        c.confirmedAt,
        c.confirmedAt,
      ) as { id: number }
  ).id;
}

/** Insert a contact; returns its id. */
export function insertContact(db: Db, c: { name: string; phone?: string | null; area?: string | null }): number {
  return (db.$client.prepare(`INSERT INTO contacts (name, phone, area) VALUES (?, ?, ?) RETURNING id`).get(c.name, c.phone ?? null, c.area ?? null) as { id: number }).id;
}

/** Insert an exposure of `contactId` by `caseId`; returns its id. */
export function insertExposure(db: Db, e: { caseId: number; contactId: number; setting?: string; lastContactDate?: string | null; createdAt?: number }): number {
  return (
    db.$client
      .prepare(`INSERT INTO exposures (case_id, contact_id, setting, last_contact_date, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`)
      .get(e.caseId, e.contactId, e.setting ?? 'household', e.lastContactDate ?? null, e.createdAt ?? 0, e.createdAt ?? 0) as { id: number }
  ).id;
}

/** Insert a user (password hash is a placeholder: these tests never log in); returns its id. */
export function insertUser(db: Db, u: { name: string; role?: 'tracer' | 'coordinator' | 'admin'; active?: boolean }): number {
  return (
    db.$client
      .prepare(`INSERT INTO users (email, name, role, password_hash, active) VALUES (?, ?, ?, 'x', ?) RETURNING id`)
      .get(`${u.name.toLowerCase().replace(/\s+/g, '.')}@example.org`, u.name, u.role ?? 'tracer', u.active === false ? 0 : 1) as { id: number }
  ).id;
}

/** Count rows of a table. */
export function count(db: Db, table: string): number {
  return (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
