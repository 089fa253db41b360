import { and, eq, or, sql } from 'drizzle-orm';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { schema, tx, type Db } from '../../db/index.js';
import type { AnswerValue } from '../../flow/types.js';
import { hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { heldBy, loadConversation, type ConversationRow } from './ownership-store.js';
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

function mayEdit(db: Db, conv: ConversationRow, actor: InboxActor): InboxRefusal | null {
  if (hasRole(actor.role, 'coordinator') || (conv.owner === 'tracer' && conv.assigneeId === actor.id)) return null;
  return conv.assigneeId === null ? { ok: false, error: 'not_with_tracer' } : heldBy(db, 'not_assignee', conv.assigneeId);
}

const StateAnswers = z.object({ answers: z.record(z.string(), z.unknown()) }).passthrough();

/**
 * Correct one saved answer (the holder, or a coordinator/admin): the answers row and the engine state's copy change
 * together, so a bot resumed later sees the correction; audited with the old and new value.
 */
export function editAnswer(db: Db, conversationId: number, key: string, text: string, actor: InboxActor, now: number, country = 'ID'): InboxResult {
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const denied = mayEdit(db, conv, actor);
    if (denied) return denied;
    const a = schema.answers;
    const row = db.select().from(a).where(and(eq(a.conversationId, conv.id), eq(a.key, key))).get();
    if (!row) return { ok: false, error: 'not_found' } as const;
    const old = JSON.parse(row.value) as AnswerValue;
    const parsed = parseLike(old, text, country);
    if (!parsed.ok) return { ok: false, error: 'invalid', detail: key } as const;
    if (JSON.stringify(parsed.value) === row.value) return { ok: true, events: [] };
    db.update(a).set({ value: JSON.stringify(parsed.value), updatedBy: actor.id, updatedAt: now }).where(eq(a.id, row.id)).run();
    const state = StateAnswers.safeParse(safeJson(conv.state));
    const extra = state.success && key in state.data.answers ? { state: JSON.stringify({ ...state.data, answers: { ...state.data.answers, [key]: parsed.value } }) } : {};
    db.update(schema.conversations)
      .set({ ...extra, revision: sql`${schema.conversations.revision} + 1`, updatedAt: now })
      .where(eq(schema.conversations.id, conv.id))
      .run();
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'edit_answer', entityType: 'conversation', entityId: conv.id, details: { key, old, new: parsed.value }, ip: actor.ip }, now);
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
export function editExposure(db: Db, conversationId: number, exposureId: number, input: ExposureEdit, actor: InboxActor, now: number, country = 'ID'): InboxResult {
  const parsedInput = ExposureEdit.safeParse(input);
  if (!parsedInput.success) return { ok: false, error: 'invalid', detail: parsedInput.error.issues.map((i) => i.path.join('.')).join(',') };
  const fields = parsedInput.data;
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const denied = mayEdit(db, conv, actor);
    if (denied) return denied;
    const x = schema.exposures;
    const exp = db
      .select()
      .from(x)
      .where(and(eq(x.id, exposureId), conv.caseId === null ? eq(x.conversationId, conv.id) : or(eq(x.conversationId, conv.id), eq(x.caseId, conv.caseId))))
      .get();
    if (!exp) return { ok: false, error: 'not_found' } as const;
    const contact = db.select().from(schema.contacts).where(eq(schema.contacts.id, exp.contactId)).get();
    if (!contact) return { ok: false, error: 'not_found' } as const;
    const yesNo = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v === 'yes');
    const empty = (v: string | undefined) => (v === undefined ? undefined : v === '' ? null : v);
    let phone: string | null | undefined = empty(fields.phone);
    if (phone) {
      phone = normalisePhone(phone, country);
      if (!phone) return { ok: false, error: 'invalid', detail: 'phone' } as const;
      const other = db.select({ id: schema.contacts.id }).from(schema.contacts).where(and(eq(schema.contacts.phone, phone), sql`${schema.contacts.mergedIntoId} IS NULL`)).get();
      if (other && other.id !== contact.id) return { ok: false, error: 'phone_taken', detail: String(other.id) } as const;
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
    if (Object.keys(contactSet).length) db.update(schema.contacts).set({ ...contactSet, updatedAt: now }).where(eq(schema.contacts.id, contact.id)).run();
    if (Object.keys(exposureSet).length) db.update(x).set({ ...exposureSet, updatedAt: now }).where(eq(x.id, exp.id)).run();
    db.update(schema.conversations).set({ revision: sql`${schema.conversations.revision} + 1`, updatedAt: now }).where(eq(schema.conversations.id, conv.id)).run();
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'edit_contact', entityType: 'exposure', entityId: exp.id, details: { conversationId: conv.id, contactId: contact.id, changes }, ip: actor.ip }, now);
    return { ok: true, events: [{ type: 'conversation.updated' as const, conversationId: conv.id, at: now }] };
  });
}
