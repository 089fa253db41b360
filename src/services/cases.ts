import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Repositories } from '../domain/repositories/index.js';
import { parseAnswer } from '../flow/answers/index.js';
import { hashStartCode } from './turn/index.js';

/** The most cases one API request may create. */
export const MAX_CASES_PER_REQUEST = 1000;
/** How far ahead of our clock a confirmation time may be: the lab's clock may run a little fast. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** The earliest plausible date of birth. */
export const EARLIEST_BIRTH_DATE = '1900-01-01';
/** The earliest plausible test or confirmation date (the first COVID-19 cases were found in late 2019). */
export const EARLIEST_TEST_DATE = '2019-01-01';

/** True when `ymd` (YYYY-MM-DD) is a day the calendar has: not 1800-02-30, not 2021-02-29. */
function isRealDate(ymd: string): boolean {
  const t = Date.parse(`${ymd.slice(0, 10)}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === ymd.slice(0, 10);
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD').refine(isRealDate, 'not a real date');

// Characters that show nothing: spaces, format characters (zero-width joiners, BOM, bidi marks), combining marks on
// their own, and the Hangul and Braille fillers people paste to look blank.
const INVISIBLE = /[\p{White_Space}\p{Cf}\p{Mn}\p{Me}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** A text people read (a name, an id, an area): no control characters (NUL...), no broken UTF-16, something visible. */
function readableText(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !/\p{Cs}/u.test(v), 'contains a broken character (a lone UTF-16 surrogate)')
    .refine((v) => !/\p{Cc}/u.test(v), 'contains a control character (such as NUL or a line break)')
    .refine((v) => v.replace(INVISIBLE, '').length > 0, 'has no visible characters');
}

/** A confirmed case as the API and the CSV import receive it; unknown fields are refused, not dropped. */
export const CaseInput = z
  .object({
    externalId: readableText(64),
    name: readableText(200),
    phone: z.string().trim().max(40).optional(),
    dateOfBirth: isoDate.optional(),
    testDate: isoDate.optional(),
    /** When the result was confirmed (ISO timestamp); defaults to now. */
    confirmedAt: z.string().datetime({ offset: true }).refine(isRealDate, 'not a real date').optional(),
    language: z.enum(['id', 'en']).default('id'),
    area: readableText(200).optional(),
  })
  .strict();
export type CaseInput = z.input<typeof CaseInput>;

export interface CaseProblem {
  index: number;
  field: string;
  message: string;
}

export interface ValidCase {
  externalId: string;
  name: string;
  phone: string | null;
  dateOfBirth: string | null;
  testDate: string | null;
  confirmedAt: number;
  language: 'id' | 'en';
  area: string | null;
  /** The contact record this person had (a contact who tested positive); else found by phone. */
  sourceContactId?: number | null;
}

/** Validate raw case records; phone numbers are normalised to E.164. Every problem is listed with its record index and field. */
export function validateCases(raw: unknown[], opts: { defaultCountry: string; now: number; today: string }): { valid: (ValidCase | null)[]; problems: CaseProblem[] } {
  const problems: CaseProblem[] = [];
  const valid: (ValidCase | null)[] = raw.map((r, index) => {
    const parsed = CaseInput.safeParse(r);
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push({ index, field: i.path.join('.') || '(record)', message: i.message });
      return null;
    }
    const c = parsed.data;
    let phone: string | null = null;
    if (c.phone) {
      const p = parseAnswer({ type: 'phone' }, c.phone, { today: opts.today, lang: 'en', answers: {}, defaultCountry: opts.defaultCountry });
      if (p.ok && typeof p.value === 'string') phone = p.value;
      else {
        problems.push({ index, field: 'phone', message: 'not a valid phone number' });
        return null;
      }
    }
    const why = implausibleDate(c, opts);
    if (why) {
      problems.push({ index, ...why });
      return null;
    }
    return {
      externalId: c.externalId,
      name: c.name,
      phone,
      dateOfBirth: c.dateOfBirth ?? null,
      testDate: c.testDate ?? null,
      confirmedAt: c.confirmedAt ? Date.parse(c.confirmedAt) : opts.now,
      language: c.language,
      area: c.area ?? null,
    };
  });
  const seen = new Map<string, number>();
  valid.forEach((c, index) => {
    if (!c) return;
    const first = seen.get(c.externalId);
    if (first !== undefined) problems.push({ index, field: 'externalId', message: `duplicate of record ${first + 1} in this batch` });
    else seen.set(c.externalId, index);
  });
  return { valid, problems };
}

/** The first date of a case that cannot be true (a birth before 1900, a test in the future...), or undefined. */
function implausibleDate(c: z.output<typeof CaseInput>, opts: { now: number; today: string }): { field: string; message: string } | undefined {
  if (c.dateOfBirth && c.dateOfBirth > opts.today) return { field: 'dateOfBirth', message: 'is in the future' };
  if (c.dateOfBirth && c.dateOfBirth < EARLIEST_BIRTH_DATE) return { field: 'dateOfBirth', message: `is before ${EARLIEST_BIRTH_DATE}` };
  if (c.testDate && c.testDate > opts.today) return { field: 'testDate', message: 'is in the future' };
  if (c.testDate && c.testDate < EARLIEST_TEST_DATE) return { field: 'testDate', message: `is before ${EARLIEST_TEST_DATE}` };
  if (c.confirmedAt) {
    const at = Date.parse(c.confirmedAt);
    if (at > opts.now + CLOCK_SKEW_MS) return { field: 'confirmedAt', message: 'is in the future' };
    if (at < Date.parse(`${EARLIEST_TEST_DATE}T00:00:00Z`)) return { field: 'confirmedAt', message: `is before ${EARLIEST_TEST_DATE}` };
  }
  return undefined;
}

/**
 * The case records of an API body: `{"cases": [...]}` with 1 to MAX_CASES_PER_REQUEST records, or one case object.
 * A body with `cases` is always a batch (never read as a single record), so an oversized batch is refused, not split.
 */
export function caseRecordsOf(body: unknown): { records: unknown[] } | { problems: CaseProblem[] } {
  const refuse = (field: string, message: string) => ({ problems: [{ index: 0, field, message }] });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return refuse('(body)', 'send a case object or {"cases": [...]}');
  if (!('cases' in body)) return { records: [body] };
  const extra = Object.keys(body).find((k) => k !== 'cases');
  if (extra !== undefined) return refuse(extra, 'unknown field: a batch is {"cases": [...]} and nothing else');
  const cases = (body as { cases: unknown }).cases;
  if (!Array.isArray(cases)) return refuse('cases', 'must be an array of case objects');
  if (cases.length === 0) return refuse('cases', 'a batch needs at least one case');
  if (cases.length > MAX_CASES_PER_REQUEST) return refuse('cases', `at most ${MAX_CASES_PER_REQUEST} cases per request (got ${cases.length}); send the rest in another request`);
  return { records: cases };
}

export interface CreatedCase {
  id: number;
  externalId: string;
  created: boolean;
  /** The single-use start code, only when the case was created now (it is stored hashed). */
  startCode?: string;
}

/** A fresh, unguessable start code (fits Telegram's 64-char deep-link payload). */
export function newStartCode(): string {
  return randomBytes(16).toString('base64url');
}

/** What creating cases and start codes needs. */
export type CaseStore = Pick<Repositories, 'cases' | 'transactions'>;

/**
 * Insert valid cases in ONE transaction; a case whose external id exists already is returned as is (idempotent). A person
 * named earlier as a contact (same phone) is linked to that contact, so transmission chains connect.
 */
export function createCases(repos: CaseStore, cases: ValidCase[], opts: { now: number; startCodeTtlMs: number }): CreatedCase[] {
  return repos.transactions.transaction(() => {
    const existing = repos.cases.idsByExternalId(cases.map((c) => c.externalId));
    return cases.map((c) => {
      const id = existing.get(c.externalId);
      if (id !== undefined) return { id, externalId: c.externalId, created: false };
      const code = newStartCode();
      const sourceContactId = c.sourceContactId ?? (c.phone ? (repos.cases.activeContactIdByPhone(c.phone) ?? null) : null);
      // The insert is a statement prepared once: imports of tens of thousands of rows spend their time here.
      const newId = repos.cases.insert({
        ...c,
        sourceContactId,
        startCodeHash: hashStartCode(code),
        startCodeExpiresAt: opts.now + opts.startCodeTtlMs,
        now: opts.now,
      });
      existing.set(c.externalId, newId);
      return { id: newId, externalId: c.externalId, created: true, startCode: code };
    });
  });
}

/** Replace a case's start code (the old link stops working); returns the new code. */
export function renewStartCode(repos: Pick<Repositories, 'cases'>, caseId: number, opts: { now: number; startCodeTtlMs: number }): string | undefined {
  const code = newStartCode();
  return repos.cases.replaceStartCode(caseId, hashStartCode(code), opts.now + opts.startCodeTtlMs, opts.now) ? code : undefined;
}
