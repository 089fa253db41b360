import { createHash } from 'node:crypto';
import type { InboundMessage } from '../../domain/channel.js';
import type { CasesRepository } from '../../domain/repositories/cases.js';
import type { Lang } from '../../flow/definition.js';
import { firstName, type CodeStatus } from './identity-context.js';

export type { CodeStatus };

/** SHA-256 of a start code: only hashes are stored, so a database leak does not leak working links. */
export function hashStartCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** Redeem a single-use start code: the case id, or why it cannot be used. */
function linkByCode(cases: CasesRepository, code: string, now: number): { caseId: number } | { status: CodeStatus } {
  const c = cases.byStartCodeHash(hashStartCode(code));
  if (!c) return { status: 'unknown' };
  if (c.startCodeUsedAt !== null) return { status: 'used' };
  if (c.startCodeExpiresAt !== null && c.startCodeExpiresAt < now) return { status: 'expired' };
  cases.useStartCode(c.id, now);
  return { caseId: c.id };
}

/** Find the case an inbound message identifies: a valid start code, or the sender's phone number. */
export function identifyCase(cases: CasesRepository, m: InboundMessage, now: number): { caseId: number | null; status: CodeStatus } {
  let status: CodeStatus = 'none';
  if (m.content.kind === 'start' && m.content.code) {
    const r = linkByCode(cases, m.content.code, now);
    if ('caseId' in r) return { caseId: r.caseId, status: 'none' };
    status = r.status;
  }
  if (m.phone) {
    const c = cases.activeByPhone(m.phone);
    if (c) return { caseId: c.id, status: 'none' };
  }
  return { caseId: null, status };
}

/**
 * The case's language and the fields the interview may quote (`case.name`...), once identity is proven. The date of birth
 * is not among them: it is what a person proves who they are with, so no flow can read it out (issue 17).
 */
export function caseContext(cases: CasesRepository, caseId: number): { lang: Lang; fields: Record<string, string | number | null> } {
  const c = cases.byId(caseId);
  if (!c) return { lang: 'id', fields: {} };
  return { lang: c.language, fields: { id: c.externalId, name: c.name, first_name: firstName(c.name), area: c.area, test_date: c.testDate } };
}
