import type { ConversationRecord } from '../../domain/repositories/index.js';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { AnswerValue } from '../../flow/types.js';
import { hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { heldBy, type InboxStores } from './stores.js';
import type { InboxActor, InboxRefusal, InboxResult } from './types.js';

const YES = new Set(['ya', 'iya', 'y', 'yes', 'true', '1']);
const NO = new Set(['tidak', 'nggak', 'gak', 'no', 'n', 't', 'false', '0']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Normalise a phone to E.164, or undefined when it is not a valid number. */
export function normalisePhone(text: string, country: string): string | undefined {
  const p = parsePhoneNumberFromString(text.trim(), country.toUpperCase() as CountryCode);
  return p?.isValid() ? p.number : undefined;
}

/** Parse a tracer's typed value into the same shape as the stored one (yes/no stays boolean, lists stay lists...). */
export function parseLike(old: AnswerValue, text: string, country: string): { ok: true; value: AnswerValue } | { ok: false } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (typeof old === 'boolean') {
    const k = t.toLowerCase();
    return YES.has(k) ? { ok: true, value: true } : NO.has(k) ? { ok: true, value: false } : { ok: false };
  }
  if (typeof old === 'number') {
    const n = Number(t.replace(',', '.'));
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false };
  }
  if (Array.isArray(old)) return { ok: true, value: t.split(',').map((s) => s.trim()).filter(Boolean) };
  if (typeof old === 'string' && ISO_DATE.test(old)) return ISO_DATE.test(t) ? { ok: true, value: t } : { ok: false };
  if (typeof old === 'string' && old.startsWith('+')) {
    const phone = normalisePhone(t, country);
    return phone ? { ok: true, value: phone } : { ok: false };
  }
  return { ok: true, value: t };
}

function mayEdit(s: InboxStores, conv: ConversationRecord, actor: InboxActor): InboxRefusal | null {
  if (hasRole(actor.role, 'coordinator') || (conv.owner === 'tracer' && conv.assigneeId === actor.id)) return null;
  return conv.assigneeId === null ? { ok: false, error: 'not_with_tracer' } : heldBy(s, 'not_assignee', conv.assigneeId);
}

const StateAnswers = z.object({ answers: z.record(z.string(), z.unknown()) }).passthrough();

/**
 * Correct one saved answer (the holder, or a coordinator/admin): the answers row and the engine state's copy change
 * together, so a bot resumed later sees the correction; audited with the old and new value.
 */
export function editAnswer(s: InboxStores, conversationId: number, key: string, text: string, actor: InboxActor, now: number, country = 'ID'): InboxResult {
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const denied = mayEdit(s, conv, actor);
    if (denied) return denied;
    const row = s.inbox.answer(conv.id, key);
    if (!row) return { ok: false, error: 'not_found' } as const;
    const old = JSON.parse(row.value) as AnswerValue;
    const parsed = parseLike(old, text, country);
    if (!parsed.ok) return { ok: false, error: 'invalid', detail: key } as const;
    if (JSON.stringify(parsed.value) === row.value) return { ok: true, events: [] };
    s.inbox.updateAnswer(row.id, JSON.stringify(parsed.value), actor.id, now);
    const state = StateAnswers.safeParse(safeJson(conv.state));
    const extra = state.success && key in state.data.answers ? { state: JSON.stringify({ ...state.data, answers: { ...state.data.answers, [key]: parsed.value } }) } : {};
    s.inbox.touchConversation(conv.id, now, extra);
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'edit_answer', entityType: 'conversation', entityId: conv.id, details: { key, old, new: parsed.value }, ip: actor.ip }, now);
    return { ok: true, events: [{ type: 'conversation.updated' as const, conversationId: conv.id, at: now }] };
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const ExposureEdit = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().max(64).optional(),
  area: z.string().trim().max(200).optional(),
  hasSymptoms: z.enum(['', 'yes', 'no']).optional(),
  setting: z.enum(['', 'household', 'workplace', 'school', 'health_facility', 'worship', 'transport', 'social', 'other']).optional(),
  lastContactDate: z.union([z.literal(''), z.string().regex(ISO_DATE)]).optional(),
});
export type ExposureEdit = z.infer<typeof ExposureEdit>;

/**
 * Correct a collected contact and its exposure (the holder, or a coordinator/admin); the phone is normalised to E.164 and
 * must not belong to another contact; audited with old and new values of each changed field.
 */
export function editExposure(s: InboxStores, conversationId: number, exposureId: number, input: ExposureEdit, actor: InboxActor, now: number, country = 'ID'): InboxResult {
  const parsedInput = ExposureEdit.safeParse(input);
  if (!parsedInput.success) return { ok: false, error: 'invalid', detail: parsedInput.error.issues.map((i) => i.path.join('.')).join(',') };
  const fields = parsedInput.data;
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const denied = mayEdit(s, conv, actor);
    if (denied) return denied;
    const exp = s.inbox.exposureIn(exposureId, conv.id, conv.caseId);
    if (!exp) return { ok: false, error: 'not_found' } as const;
    const contact = s.inbox.contact(exp.contactId);
    if (!contact) return { ok: false, error: 'not_found' } as const;
    const yesNo = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v === 'yes');
    const empty = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);
    let phone: string | null | undefined = empty(fields.phone);
    if (phone) {
      phone = normalisePhone(phone, country);
      if (!phone) return { ok: false, error: 'invalid', detail: 'phone' } as const;
      const other = s.inbox.activeContactIdByPhone(phone);
      if (other !== undefined && other !== contact.id) return { ok: false, error: 'phone_taken', detail: String(other) } as const;
    }
    const contactNext = { name: fields.name, phone, area: empty(fields.area), hasSymptoms: yesNo(fields.hasSymptoms) };
    const exposureNext = { setting: empty(fields.setting), lastContactDate: empty(fields.lastContactDate), hasSymptoms: yesNo(fields.hasSymptoms) };
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    const contactSet: Record<string, unknown> = {};
    const exposureSet: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(contactNext)) {
      const old = contact[k as keyof typeof contact];
      if (v !== undefined && v !== old) {
        contactSet[k] = v;
        changes[`contact.${k}`] = { old, new: v };
      }
    }
    for (const [k, v] of Object.entries(exposureNext)) {
      const old = exp[k as keyof typeof exp];
      if (v !== undefined && v !== old) {
        exposureSet[k] = v;
        changes[`exposure.${k}`] = { old, new: v };
      }
    }
    if (!Object.keys(changes).length) return { ok: true, events: [] };
    if (Object.keys(contactSet).length) s.inbox.updateContact(contact.id, contactSet, now);
    if (Object.keys(exposureSet).length) s.inbox.updateExposure(exp.id, exposureSet, now);
    s.inbox.touchConversation(conv.id, now);
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'edit_contact', entityType: 'exposure', entityId: exp.id, details: { conversationId: conv.id, contactId: contact.id, changes }, ip: actor.ip }, now);
    return { ok: true, events: [{ type: 'conversation.updated' as const, conversationId: conv.id, at: now }] };
  });
}
