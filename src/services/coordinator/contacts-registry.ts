import type { RegistryContactRow, Repositories } from '../../domain/repositories/index.js';
import { addDays } from '../../flow/answers/index.js';
import { audit } from '../audit.js';
import { jaroWinkler, nameAgreement, normaliseName, type NameAgreement } from './name-match.js';

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
export function listRegistry(repos: Pick<Repositories, 'contactRegistry'>, q: RegistryQuery): { total: number; contacts: RegistryContact[] } {
  const like = q.search ? `%${q.search.trim().toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%` : null;
  const total = repos.contactRegistry.count(like);
  const rows = repos.contactRegistry.page(like, Math.min(q.limit ?? 100, 1000), q.offset ?? 0);
  const exposures = exposuresOf(repos, rows.map((r) => r.id));
  return { total, contacts: rows.map((r) => toContact(r, exposures.get(r.id) ?? [], q.quarantineDays)) };
}

/** One active contact as in `listRegistry`, or undefined (also for a merged record: follow its `merged_into_id`). */
export function getContact(repos: Pick<Repositories, 'contactRegistry'>, id: number, quarantineDays: number): RegistryContact | undefined {
  const r = repos.contactRegistry.getActive(id);
  return r ? toContact(r, exposuresOf(repos, [id]).get(id) ?? [], quarantineDays) : undefined;
}

/** Where a merged contact went: its `merged_into_id`, null when it is active, undefined when unknown. */
export function mergedInto(repos: Pick<Repositories, 'contactRegistry'>, id: number): number | null | undefined {
  return repos.contactRegistry.mergedInto(id);
}

function toContact(r: RegistryContactRow, ex: ContactExposure[], quarantineDays: number): RegistryContact {
  const last = ex.reduce<string | null>((m, e) => (e.lastContactDate && (!m || e.lastContactDate > m) ? e.lastContactDate : m), null);
  return { ...r, hasSymptoms: bool(r.hasSymptoms), exposures: ex, lastContactDate: last, quarantineUntil: last ? addDays(last, quarantineDays) : null };
}

function exposuresOf(repos: Pick<Repositories, 'contactRegistry'>, contactIds: number[]): Map<number, ContactExposure[]> {
  const out = new Map<number, ContactExposure[]>();
  if (!contactIds.length) return out;
  for (const { contactId, ...r } of repos.contactRegistry.exposuresOf(contactIds)) {
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
  /** How the names agree word by word; `differing` names the word pairs that do not (shown to explain the suggestion). */
  names: NameAgreement;
}

/**
 * Pairs of contacts that are probably one person: names alike once folded (accents, case, honorifics, word order;
 * Jaro-Winkler >= threshold) and either in the same area or with at least one phone missing. Offered to a person to
 * merge; never merged here. Most similar first.
 */
export function likelyDuplicates(repos: Pick<Repositories, 'contactRegistry'>, opts: { threshold?: number; limit?: number } = {}): DuplicatePair[] {
  const threshold = opts.threshold ?? 0.92;
  const rows: DuplicatePair['a'][] = repos.contactRegistry.listActive();
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
        const names = nameAgreement(norm[i]!, norm[j]!);
        // Two different phones are two people unless the names are the same words, however spelled ("Dedi Halim" and
        // "Dewi Halim" are 95 % alike as strings but not one person).
        if (!phoneMissing && (names.kind === 'different' || names.kind === 'initial')) continue;
        if (names.kind === 'different' && similarity < threshold) continue;
        out.push({ a, b, similarity: Math.round(similarity * 1000) / 1000, why: sameArea ? 'same_area' : 'phone_missing', names });
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
export function mergeContacts(repos: Pick<Repositories, 'contactRegistry' | 'audit' | 'transactions'>, keepId: number, mergeId: number, actorId: number | null, now: number): MergeResult {
  if (keepId === mergeId) return { ok: false, error: 'same_contact' };
  const registry = repos.contactRegistry;
  return repos.transactions.transaction(() => {
    const keep = registry.forMerge(keepId);
    const merge = registry.forMerge(mergeId);
    if (!keep || !merge) return { ok: false, error: 'not_found' } as const;
    if (keep.mergedIntoId !== null || merge.mergedIntoId !== null) return { ok: false, error: 'already_merged' } as const;
    // Retire the merged record first: it leaves the unique phone index, so its phone may move to the kept record.
    registry.retire(mergeId, keepId, now);
    const moved = registry.moveExposures(mergeId, keepId, now);
    const relinked = registry.relinkCases(mergeId, keepId, now);
    const filled: string[] = [];
    if (!keep.phone && merge.phone) filled.push('phone');
    if (!keep.area && merge.area) filled.push('area');
    if (keep.hasSymptoms === null && merge.hasSymptoms !== null) filled.push('has_symptoms');
    if (filled.length) registry.fillEmpty(keepId, merge, now);
    audit(
      repos,
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
