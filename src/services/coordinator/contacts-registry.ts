import { tx, type Db } from '../../db/index.js';
import { addDays } from '../../flow/answers/index.js';
import { audit } from '../audit.js';
import { jaroWinkler, normaliseName } from './name-match.js';

export interface ContactExposure {
  exposureId: number;
  caseId: number;
  caseExternalId: string;
  caseName: string;
  setting: string | null;
  lastContactDate: string | null;
  hasSymptoms: boolean | null;
}

export interface RegistryContact {
  id: number;
  name: string;
  phone: string | null;
  area: string | null;
  hasSymptoms: boolean | null;
  exposures: ContactExposure[];
  /** The latest last-contact date over all exposures. */
  lastContactDate: string | null;
  /** Last contact + the configured quarantine days; null when no exposure has a date. */
  quarantineUntil: string | null;
  /** The case this contact later became (same phone at case creation), if any. */
  becameCaseId: number | null;
}

export interface RegistryQuery {
  quarantineDays: number;
  /** Name or phone fragment (case-insensitive). */
  search?: string;
  limit?: number;
  offset?: number;
}

/**
 * Contacts not merged into another, newest first, each with every exposure (which case, setting, last contact) and the end
 * of quarantine; `total` counts all matches for paging.
 */
export function listRegistry(db: Db, q: RegistryQuery): { total: number; contacts: RegistryContact[] } {
  const c = db.$client;
  const like = q.search ? `%${q.search.trim().toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%` : null;
  const where = `ct.merged_into_id IS NULL AND (? IS NULL OR lower(ct.name) LIKE ? ESCAPE '\\' OR ct.phone LIKE ? ESCAPE '\\')`;
  const total = (c.prepare(`SELECT count(*) AS n FROM contacts ct WHERE ${where}`).get(like, like, like) as { n: number }).n;
  const rows = c
    .prepare(
      `SELECT ct.id, ct.name, ct.phone, ct.area, ct.has_symptoms AS hasSymptoms,
              (SELECT min(cs.id) FROM cases cs WHERE cs.source_contact_id = ct.id) AS becameCaseId
       FROM contacts ct WHERE ${where} ORDER BY ct.id DESC LIMIT ? OFFSET ?`,
    )
    .all(like, like, like, Math.min(q.limit ?? 100, 1000), q.offset ?? 0) as ContactRow[];
  const exposures = exposuresOf(db, rows.map((r) => r.id));
  return { total, contacts: rows.map((r) => toContact(r, exposures.get(r.id) ?? [], q.quarantineDays)) };
}

/** One active contact as in `listRegistry`, or undefined (also for a merged record: follow its `merged_into_id`). */
export function getContact(db: Db, id: number, quarantineDays: number): RegistryContact | undefined {
  const r = db.$client
    .prepare(
      `SELECT id, name, phone, area, has_symptoms AS hasSymptoms, (SELECT min(cs.id) FROM cases cs WHERE cs.source_contact_id = contacts.id) AS becameCaseId
       FROM contacts WHERE id = ? AND merged_into_id IS NULL`,
    )
    .get(id) as ContactRow | undefined;
  return r ? toContact(r, exposuresOf(db, [id]).get(id) ?? [], quarantineDays) : undefined;
}

interface ContactRow {
  id: number;
  name: string;
  phone: string | null;
  area: string | null;
  hasSymptoms: number | null;
  becameCaseId: number | null;
}

function toContact(r: ContactRow, ex: ContactExposure[], quarantineDays: number): RegistryContact {
  const last = ex.reduce<string | null>((m, e) => (e.lastContactDate && (!m || e.lastContactDate > m) ? e.lastContactDate : m), null);
  return { ...r, hasSymptoms: bool(r.hasSymptoms), exposures: ex, lastContactDate: last, quarantineUntil: last ? addDays(last, quarantineDays) : null };
}

function exposuresOf(db: Db, contactIds: number[]): Map<number, ContactExposure[]> {
  const out = new Map<number, ContactExposure[]>();
  if (!contactIds.length) return out;
  const rows = db.$client
    .prepare(
      `SELECT e.id AS exposureId, e.contact_id AS contactId, e.case_id AS caseId, cs.external_id AS caseExternalId, cs.name AS caseName,
              e.setting, e.last_contact_date AS lastContactDate, e.has_symptoms AS hasSymptoms
       FROM exposures e JOIN cases cs ON cs.id = e.case_id
       WHERE e.contact_id IN (SELECT value FROM json_each(?)) ORDER BY e.id`,
    )
    .all(JSON.stringify(contactIds)) as (Omit<ContactExposure, 'hasSymptoms'> & { contactId: number; hasSymptoms: number | null })[];
  for (const { contactId, ...r } of rows) {
    const list = out.get(contactId) ?? [];
    list.push({ ...r, hasSymptoms: bool(r.hasSymptoms) });
    out.set(contactId, list);
  }
  return out;
}

export interface DuplicatePair {
  a: { id: number; name: string; phone: string | null; area: string | null };
  b: { id: number; name: string; phone: string | null; area: string | null };
  /** Jaro-Winkler similarity of the normalised names (1 = same words). */
  similarity: number;
  why: 'same_area' | 'phone_missing';
}

/**
 * Pairs of contacts that are probably one person: names alike once folded (accents, case, honorifics, word order;
 * Jaro-Winkler >= threshold) and either in the same area or with at least one phone missing. Offered to a person to
 * merge; never merged here. Most similar first.
 */
export function likelyDuplicates(db: Db, opts: { threshold?: number; limit?: number } = {}): DuplicatePair[] {
  const threshold = opts.threshold ?? 0.92;
  const rows = db.$client.prepare(`SELECT id, name, phone, area FROM contacts WHERE merged_into_id IS NULL ORDER BY id`).all() as DuplicatePair['a'][];
  const norm = rows.map((r) => normaliseName(r.name));
  // Block on the first three letters of each word, so only names sharing a word start are compared (not n^2 over everyone).
  const blocks = new Map<string, number[]>();
  norm.forEach((n, i) => {
    for (const w of new Set(n.split(' ').filter(Boolean).map((x) => x.slice(0, 3)))) {
      const b = blocks.get(w) ?? [];
      b.push(i);
      blocks.set(w, b);
    }
  });
  const seen = new Set<string>();
  const out: DuplicatePair[] = [];
  for (const members of blocks.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x]!;
        const j = members[y]!;
        const key = `${i}:${j}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const a = rows[i]!;
        const b = rows[j]!;
        if (a.phone && b.phone && a.phone === b.phone) continue; // cannot happen for active records; defensive
        const sameArea = !!a.area && !!b.area && a.area.trim().toLowerCase() === b.area.trim().toLowerCase();
        const phoneMissing = !a.phone || !b.phone;
        if (!sameArea && !phoneMissing) continue;
        const similarity = jaroWinkler(norm[i]!, norm[j]!);
        if (similarity < threshold) continue;
        out.push({ a, b, similarity: Math.round(similarity * 1000) / 1000, why: sameArea ? 'same_area' : 'phone_missing' });
      }
    }
  }
  out.sort((p, q) => q.similarity - p.similarity || p.a.id - q.a.id || p.b.id - q.b.id);
  return out.slice(0, opts.limit ?? 200);
}

export type MergeResult =
  | { ok: true; keepId: number; mergedId: number; movedExposures: number; relinkedCases: number }
  | { ok: false; error: 'same_contact' | 'not_found' | 'already_merged' };

/**
 * Merge contact `mergeId` into `keepId` at a person's request: exposures and case links move to `keepId`, the merged record
 * keeps its data with `merged_into_id` set, empty phone/area/symptoms of the kept record are filled from it, and an audit
 * row records it, all in one transaction.
 */
export function mergeContacts(db: Db, keepId: number, mergeId: number, actorId: number | null, now: number): MergeResult {
  if (keepId === mergeId) return { ok: false, error: 'same_contact' };
  return tx(db, () => {
    const c = db.$client;
    const get = c.prepare(`SELECT id, phone, area, has_symptoms AS hasSymptoms, merged_into_id AS mergedIntoId FROM contacts WHERE id = ?`);
    const keep = get.get(keepId) as { id: number; phone: string | null; area: string | null; hasSymptoms: number | null; mergedIntoId: number | null } | undefined;
    const merge = get.get(mergeId) as typeof keep;
    if (!keep || !merge) return { ok: false, error: 'not_found' } as const;
    if (keep.mergedIntoId !== null || merge.mergedIntoId !== null) return { ok: false, error: 'already_merged' } as const;
    // Retire the merged record first: it leaves the unique phone index, so its phone may move to the kept record.
    c.prepare(`UPDATE contacts SET merged_into_id = ?, updated_at = ? WHERE id = ?`).run(keepId, now, mergeId);
    const moved = c.prepare(`UPDATE exposures SET contact_id = ?, updated_at = ? WHERE contact_id = ?`).run(keepId, now, mergeId).changes;
    const relinked = c.prepare(`UPDATE cases SET source_contact_id = ?, updated_at = ? WHERE source_contact_id = ?`).run(keepId, now, mergeId).changes;
    const filled: string[] = [];
    if (!keep.phone && merge.phone) filled.push('phone');
    if (!keep.area && merge.area) filled.push('area');
    if (keep.hasSymptoms === null && merge.hasSymptoms !== null) filled.push('has_symptoms');
    if (filled.length) {
      c.prepare(
        `UPDATE contacts SET phone = COALESCE(phone, ?), area = COALESCE(area, ?), has_symptoms = COALESCE(has_symptoms, ?), updated_at = ? WHERE id = ?`,
      ).run(merge.phone, merge.area, merge.hasSymptoms, now, keepId);
    }
    audit(
      db,
      {
        actorKind: actorId === null ? 'system' : 'user',
        actorId,
        action: 'contact.merge',
        entityType: 'contact',
        entityId: keepId,
        details: { keepId, mergedId: mergeId, movedExposures: moved, relinkedCases: relinked, filled },
      },
      now,
    );
    return { ok: true, keepId, mergedId: mergeId, movedExposures: moved, relinkedCases: relinked } as const;
  });
}

function bool(v: number | null): boolean | null {
  return v === null ? null : v !== 0;
}
