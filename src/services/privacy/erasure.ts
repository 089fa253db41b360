import type { RedactionCounts, Repositories } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import type { SubjectJobRefs, SubjectJobStore } from './subject-jobs.js';
import { exportSubject, lookupOf, subjectHash, type Subject, type SubjectStores } from './subject.js';

/** How long an erasure request waits for its confirmation. */
export const ERASURE_CONFIRM_MS = 15 * 60_000;

export type ErasureStores = SubjectStores & Pick<Repositories, 'audit' | 'transactions'>;

/** Who acts, for the audit log. */
export interface PrivacyActor {
  userId: number;
  ip?: string | null;
}

/** Why an erasure cannot go on. */
export type ErasureRefusal = 'nothing_found' | 'open_conversation' | 'unknown_request' | 'expired' | 'subject_mismatch' | 'not_requester';

export type ErasureRequestResult = { ok: true; requestId: number; counts: RedactionCounts; expiresAt: number } | { ok: false; reason: ErasureRefusal; openConversationIds?: number[] };
export type ErasureResult = { ok: true; counts: RedactionCounts; jobs: { removed: number; busy: number } } | { ok: false; reason: ErasureRefusal };

/** The references to a person's work in the queues, read from the database before it is erased. */
export function jobRefsOf(stores: SubjectStores, subject: Subject, now: number): SubjectJobRefs {
  const e = exportSubject(stores, subject, now);
  const strings = new Set<string>();
  const add = (v: unknown) => {
    // Short names ("Ani") would match unrelated payloads; ids cover those jobs.
    if (typeof v === 'string' && v.trim().length >= 5) strings.add(v.trim());
  };
  if (subject.kind === 'phone') for (const form of [subject.phone, subject.phone.slice(1)]) strings.add(form);
  for (const c of e.records.cases) [c.name, c.phone, c.date_of_birth].forEach(add);
  for (const c of e.records.contacts) [c.name, c.phone].forEach(add);
  return {
    conversationIds: e.found.conversationIds,
    caseIds: e.found.caseIds,
    outboxIds: stores.privacy.outboxIdsFor(e.found.conversationIds),
    chatKeys: stores.privacy.chatKeysFor(e.found.conversationIds),
    strings: [...strings],
  };
}

/**
 * Step 1 of an erasure: check there is something to erase and no chat with the person is still open (a tracer closes it
 * first), record the request (the subject only as a hash) and audit it. Returns what would be removed.
 */
export function requestErasure(stores: ErasureStores, subject: Subject, actor: PrivacyActor, now: number): ErasureRequestResult {
  const found = stores.privacy.findSubject(lookupOf(subject));
  if (!found.caseIds.length && !found.contactIds.length && !found.conversationIds.length) return { ok: false, reason: 'nothing_found' };
  const open = stores.privacy.openConversations(found.conversationIds);
  if (open.length) return { ok: false, reason: 'open_conversation', openConversationIds: open };
  return stores.transactions.transaction(() => {
    const expiresAt = now + ERASURE_CONFIRM_MS;
    const requestId = stores.privacy.insertErasureRequest({ subjectHash: subjectHash(subject), requestedBy: actor.userId, requestedAt: now, expiresAt });
    const counts = stores.privacy.measure(found);
    audit(stores, { actorKind: 'user', actorId: actor.userId, action: 'subject.erase_requested', entityType: 'erasure_request', entityId: requestId, details: { ...found }, ip: actor.ip }, now);
    return { ok: true as const, requestId, counts, expiresAt };
  });
}

/**
 * Step 2: the same admin confirms by typing the subject again before the request expires. Removes the person's jobs from
 * the queues, then their personal data from the database (rows stay anonymous, so counts do not change), and audits
 * both with counts and ids only.
 */
export async function confirmErasure(
  stores: ErasureStores,
  jobs: SubjectJobStore | undefined,
  o: { requestId: number; subject: Subject; actor: PrivacyActor; now: number },
): Promise<ErasureResult> {
  const request = stores.privacy.erasureRequest(o.requestId);
  if (!request || request.status !== 'requested') return { ok: false, reason: 'unknown_request' };
  if (request.requestedBy !== o.actor.userId) return { ok: false, reason: 'not_requester' };
  if (request.expiresAt < o.now) return { ok: false, reason: 'expired' };
  if (request.subjectHash !== subjectHash(o.subject)) return { ok: false, reason: 'subject_mismatch' };
  const found = stores.privacy.findSubject(lookupOf(o.subject));
  if (stores.privacy.openConversations(found.conversationIds).length) return { ok: false, reason: 'open_conversation' };
  // Queues first: a job left behind would find its outbox row gone and do nothing, but its payload would still be there.
  const removed = jobs ? await jobs.remove(jobRefsOf(stores, o.subject, o.now)) : { removed: 0, busy: 0 };
  return stores.transactions.transaction(() => {
    const counts = stores.privacy.redact(found, 'erasure', o.now);
    const result = { ...counts, jobsRemoved: removed.removed, jobsBusy: removed.busy };
    if (!stores.privacy.finishErasureRequest(o.requestId, 'done', o.actor.userId, o.now, JSON.stringify(result))) return { ok: false as const, reason: 'unknown_request' as const };
    audit(
      stores,
      { actorKind: 'user', actorId: o.actor.userId, action: 'subject.erased', entityType: 'erasure_request', entityId: o.requestId, details: { ...found, ...result }, ip: o.actor.ip },
      o.now,
    );
    return { ok: true as const, counts, jobs: removed };
  });
}
