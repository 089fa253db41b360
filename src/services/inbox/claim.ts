import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { schema, tx, type Db } from '../../db/index.js';
import { createEscalationsRepository, createOutboxRepository } from '../../db/repositories/index.js';
import { isRefusal, transition, type Ownership, type OwnershipAction, type OwnershipRefusal } from '../../domain/ownership.js';
import { hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { recordEscalation } from '../escalations.js';
import type { LiveEvent } from '../../domain/live-events.js';
import { activeEscalation, heldBy, loadConversation, writeOwnership, type ConversationRow } from './ownership-store.js';
import type { InboxActor, InboxRefusal, InboxResult } from './types.js';

function refusal(db: Db, r: OwnershipRefusal): InboxRefusal {
  if (r.refused === 'closed') return { ok: false, error: 'closed' };
  if (r.refused === 'already_claimed') return heldBy(db, 'already_claimed', r.by);
  return heldBy(db, 'not_assignee', r.assigneeId);
}

function events(conv: ConversationRow, escalationId: number, now: number): LiveEvent[] {
  return [
    { type: 'escalation.updated', conversationId: conv.id, escalationId, at: now },
    { type: 'conversation.updated', conversationId: conv.id, at: now },
  ];
}

/** Apply one ownership action with compare-and-set; a lost race reads as "someone else has it". */
function apply(db: Db, conv: ConversationRow, action: OwnershipAction, now: number): { next: Ownership; current: Ownership } | InboxRefusal {
  const current = { owner: conv.owner, assigneeId: conv.assigneeId };
  const next = transition(current, action);
  if (isRefusal(next)) return refusal(db, next);
  if (!writeOwnership(db, conv.id, current, next, now)) {
    const fresh = loadConversation(db, conv.id);
    return heldBy(db, 'already_claimed', fresh?.assigneeId ?? null);
  }
  return { next, current };
}

/**
 * Claim a chat for the actor in one IMMEDIATE transaction: from the queue, or straight from the bot (a take-over, which
 * opens a pending escalation). If another tracer has it, the refusal names them. Claiming one's own chat again is a no-op.
 */
export function claim(db: Db, conversationId: number, actor: InboxActor, now: number): InboxResult<{ escalationId: number }> {
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const esc = activeEscalation(db, conv.id);
    if (conv.owner === 'tracer' && conv.assigneeId === actor.id && esc) return { ok: true, escalationId: esc.id, events: [] };
    const applied = apply(db, conv, { type: 'claim', tracerId: actor.id }, now);
    if ('ok' in applied) return applied;
    let escalationId: number;
    if (esc) {
      db.update(schema.escalations).set({ status: 'pending', assigneeId: actor.id, claimedAt: now, updatedAt: now }).where(eq(schema.escalations.id, esc.id)).run();
      escalationId = esc.id;
    } else {
      // A take-over straight from the bot: the one escalation rule makes it pending with the actor.
      const stores = { escalations: createEscalationsRepository(db), outbox: createOutboxRepository(db) };
      const request = { conversationId: conv.id, caseId: conv.caseId, reason: 'tracer_takeover', priority: 'normal' as const, detail: null, stepId: conv.stepId };
      escalationId = recordEscalation(stores, request, actor.id, now).escalationId;
    }
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'claim', entityType: 'conversation', entityId: conv.id, details: { escalationId, from: applied.current.owner }, ip: actor.ip }, now);
    return { ok: true, escalationId, events: events(conv, escalationId, now) };
  });
}

/** Hand a chat to another active user. The holder may transfer; a coordinator or admin may reassign anyone's (or an unassigned) chat. */
export function transfer(db: Db, conversationId: number, toUserId: number, actor: InboxActor, now: number): InboxResult {
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const target = db.select().from(schema.users).where(and(eq(schema.users.id, toUserId), eq(schema.users.active, true))).get();
    if (!target) return { ok: false, error: 'unknown_user' } as const;
    const esc = activeEscalation(db, conv.id);
    if (!esc || conv.owner !== 'tracer') return { ok: false, error: 'not_with_tracer' } as const;
    const coordinator = hasRole(actor.role, 'coordinator');
    if (conv.assigneeId !== actor.id && !coordinator) return heldBy(db, 'not_assignee', conv.assigneeId);
    const action: OwnershipAction =
      conv.assigneeId === null ? { type: 'claim', tracerId: toUserId } : { type: 'transfer', fromTracerId: conv.assigneeId, toTracerId: toUserId };
    const applied = apply(db, conv, action, now);
    if ('ok' in applied) return applied;
    db.update(schema.escalations).set({ status: 'pending', assigneeId: toUserId, claimedAt: now, updatedAt: now }).where(eq(schema.escalations.id, esc.id)).run();
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'transfer', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc.id, from: conv.assigneeId, to: toUserId }, ip: actor.ip }, now);
    return { ok: true, events: events(conv, esc.id, now) };
  });
}

/** Put a chat back in the queue (unassigned, still waiting since it first asked). The holder, or a coordinator/admin, may. */
export function release(db: Db, conversationId: number, actor: InboxActor, now: number): InboxResult {
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const esc = activeEscalation(db, conv.id);
    if (!esc || conv.owner !== 'tracer' || conv.assigneeId === null) return { ok: false, error: 'not_with_tracer' } as const;
    if (conv.assigneeId !== actor.id && !hasRole(actor.role, 'coordinator')) return heldBy(db, 'not_assignee', conv.assigneeId);
    const applied = apply(db, conv, { type: 'release', tracerId: conv.assigneeId }, now);
    if ('ok' in applied) return applied;
    db.update(schema.escalations).set({ status: 'open', assigneeId: null, claimedAt: null, updatedAt: now }).where(eq(schema.escalations.id, esc.id)).run();
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'release', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc.id, from: conv.assigneeId }, ip: actor.ip }, now);
    return { ok: true, events: events(conv, esc.id, now) };
  });
}

/** Chats the user holds now (pending escalations assigned to them). */
export function activeChatCount(db: Db, userId: number): number {
  const e = schema.escalations;
  return db.select({ n: count() }).from(e).where(and(eq(e.assigneeId, userId), eq(e.status, 'pending'))).get()?.n ?? 0;
}

/**
 * Auto-assignment: claim the most urgent, longest-waiting unassigned chat for the actor, unless they already hold their cap
 * (users.maxChats). Fair routing: nobody picks, nobody hoards.
 */
export function claimNext(db: Db, actor: InboxActor, now: number): InboxResult<{ conversationId: number; escalationId: number }> {
  return tx(db, () => {
    const user = db.select().from(schema.users).where(eq(schema.users.id, actor.id)).get();
    if (!user) return { ok: false, error: 'unknown_user' } as const;
    if (activeChatCount(db, actor.id) >= user.maxChats) return { ok: false, error: 'at_cap', detail: String(user.maxChats) } as const;
    const e = schema.escalations;
    const next = db
      .select({ id: e.id, conversationId: e.conversationId })
      .from(e)
      .where(and(eq(e.status, 'open'), isNull(e.assigneeId)))
      .orderBy(sql`CASE ${e.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END`, asc(e.waitingSince), asc(e.id))
      .get();
    if (!next) return { ok: false, error: 'queue_empty' } as const;
    const res = claim(db, next.conversationId, actor, now);
    return res.ok ? { ...res, conversationId: next.conversationId } : res;
  });
}
