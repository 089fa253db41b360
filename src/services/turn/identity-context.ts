import type { CaseRecord } from '../../domain/repositories/cases.js';
import { parseAnswer } from '../../flow/answers/index.js';

/** Why a chat is not linked to a case yet; the identity-check flow words its first message by it. */
export type CodeStatus = 'none' | 'used' | 'expired' | 'unknown' | 'not_found';

/** Why the identity check runs (again) for a chat that already knows its case. */
export type LinkedStatus = 'none' | 'mismatch';

/** How a chat linked to a case came to be: we wrote first (outreach), or the person did (start link, known phone). */
export type LinkedStart = 'outreach' | 'patient';

/** The first word of a name: the only case field a message may carry before identity is proven (issue 17). */
export function firstName(name: string | null | undefined): string | null {
  const first = (name ?? '').trim().split(/\s+/)[0] ?? '';
  return first === '' ? null : first;
}

/**
 * What the identity-check flow may know about the case it expects: the first name, and whether to ask for the date of
 * birth or the case number. Never the date of birth, the case number, the diagnosis or the test date: a flow cannot
 * read out what it is not given.
 */
export function linkedVerificationFields(c: CaseRecord, start: LinkedStart, status: LinkedStatus, attempts: number): Record<string, string | number | null> {
  return {
    mode: 'linked',
    first_name: firstName(c.name),
    check: c.dateOfBirth ? 'dob' : 'case_number',
    start,
    code_status: status,
    attempts,
  };
}

/** What the identity-check flow knows about a chat that no case is linked to. */
export function unlinkedVerificationFields(status: CodeStatus, attempts: number): Record<string, string | number | null> {
  return { mode: 'unlinked', code_status: status, attempts };
}

function normaliseCaseNumber(s: string): string {
  return s.toLowerCase().replace(/[\s\-_./]/g, '');
}

/**
 * Whether what the person typed is what we know about the case: its date of birth (in any form the date parser takes,
 * "17/08/1985", "17 Agustus 1985") or its case number (ignoring case, spaces and dashes). `today` bounds the date.
 */
export function typedIdentityMatches(c: CaseRecord, typed: string, today: string): boolean {
  const text = typed.trim();
  if (text === '') return false;
  if (normaliseCaseNumber(text) !== '' && normaliseCaseNumber(text) === normaliseCaseNumber(c.externalId)) return true;
  if (!c.dateOfBirth) return false;
  const parsed = parseAnswer({ type: 'date', max: 'today' }, text, { today, lang: 'id', answers: {}, defaultCountry: 'ID' });
  return parsed.ok && parsed.value === c.dateOfBirth;
}
