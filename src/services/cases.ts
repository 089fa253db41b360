import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Repositories } from '../domain/repositories/index.js';
import { parseAnswer } from '../flow/answers/index.js';
import { hashStartCode } from './turn/index.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD');

/** A confirmed case as the API and the CSV import receive it. */
export const CaseInput = z
  .object({
    externalId: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().max(40).optional(),
    dateOfBirth: isoDate.optional(),
    testDate: isoDate.optional(),
    /** When the result was confirmed (ISO timestamp); defaults to now. */
    confirmedAt: z.string().datetime({ offset: true }).optional(),
    language: z.enum(['id', 'en']).default('id'),
    area: z.string().trim().max(200).optional(),
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
    for (const f of ['dateOfBirth', 'testDate'] as const) {
      const v = c[f];
      if (v && (Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || v > opts.today)) {
        problems.push({ index, field: f, message: v > opts.today ? 'is in the future' : 'not a real date' });
        return null;
      }
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
      const sourceContactId = c.phone ? (repos.cases.activeContactIdByPhone(c.phone) ?? null) : null;
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
