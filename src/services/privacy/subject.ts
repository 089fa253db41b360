import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { RedactionTargets, Repositories, SubjectLookup, SubjectRows } from '../../domain/repositories/index.js';

/** A person whose data is asked for: a phone number (E.164) or one case. */
export type Subject = { kind: 'phone'; phone: string } | { kind: 'case'; caseId: number };

/** What a person's request reads: the subject, the ids found and every stored row about them. */
export interface SubjectExport {
  subject: Subject;
  generatedAt: string;
  found: RedactionTargets;
  records: SubjectRows;
}

export type SubjectStores = Pick<Repositories, 'privacy' | 'cases'>;

/**
 * Read what an admin typed: a phone number (any usual form, read in `defaultCountry`), `case:<id>`, `#<id>` or a case
 * number from the lab (external id). Undefined when it is none of these.
 */
export function parseSubject(stores: SubjectStores, input: string, defaultCountry: string): Subject | undefined {
  const text = input.trim();
  if (!text || text.length > 100) return undefined;
  const byId = /^(?:case:|#)(\d{1,12})$/i.exec(text);
  if (byId) return { kind: 'case', caseId: Number(byId[1]) };
  const external = stores.cases.idsByExternalId([text]).get(text);
  if (external !== undefined) return { kind: 'case', caseId: external };
  const phone = parsePhoneNumberFromString(text, defaultCountry as CountryCode);
  return phone?.isValid() ? { kind: 'phone', phone: phone.number } : undefined;
}

/** The forms a phone takes as a chat id: E.164 (fake channel), WhatsApp's JID and the Cloud API's digits. */
export function chatIdsOfPhone(phone: string): string[] {
  const digits = phone.replace(/^\+/, '');
  return [phone, digits, `${digits}@s.whatsapp.net`];
}

/** The repository lookup for a subject. */
export function lookupOf(subject: Subject): SubjectLookup {
  return subject.kind === 'phone' ? { phone: subject.phone, chatIds: chatIdsOfPhone(subject.phone) } : { caseId: subject.caseId };
}

/** A stable, non-reversible name of the subject for audit rows and erasure requests (never the number itself). */
export function subjectHash(subject: Subject): string {
  const key = subject.kind === 'phone' ? `phone:${subject.phone}` : `case:${subject.caseId}`;
  return createHash('sha256').update(key).digest('hex');
}

/** Everything held about the subject in the database (read-only; the caller audits the reading). */
export function exportSubject(stores: SubjectStores, subject: Subject, now: number): SubjectExport {
  const found = stores.privacy.findSubject(lookupOf(subject));
  return { subject, generatedAt: new Date(now).toISOString(), found, records: stores.privacy.subjectRows(found) };
}

/** True when the export holds nothing that names or reaches the person (after an erasure, or when nothing was found). */
export function holdsPersonalData(e: SubjectExport): boolean {
  const r = e.records;
  const filled = (v: unknown) => v !== null && v !== undefined && v !== '';
  return (
    r.cases.some((c) => filled(c.name) || filled(c.phone) || filled(c.date_of_birth)) ||
    r.contacts.some((c) => filled(c.name) || filled(c.phone)) ||
    r.messages.some((m) => filled(m.text) || filled(m.payload)) ||
    r.answers.length > 0 ||
    r.places.length > 0 ||
    r.followUp.some((e) => filled(e.channel_user_id)) ||
    r.checkins.some((c) => filled(c.symptoms)) ||
    r.exposures.some((x) => filled(x.notes)) ||
    r.conversations.some((c) => !String(c.channel_user_id).startsWith('removed:'))
  );
}
