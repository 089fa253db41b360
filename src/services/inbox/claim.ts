import type { ConversationRecord, Repositories } from '../../domain/repositories/index.js';
import { isRefusal, transition, type Ownership, type OwnershipAction, type OwnershipRefusal } from '../../domain/ownership.js';
import { areaScope, hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { recordEscalation } from '../escalations.js';
import type { LiveEvent } from '../../domain/live-events.js';
import { heldBy, type InboxStores } from './stores.js';
import type { InboxActor, InboxRefusal, InboxResult } from './types.js';

function refusal(s: InboxStores, r: OwnershipRefusal): InboxRefusal {
  if (r.refused === 'closed') return { ok: false, error: 'closed' };
  if (r.refused === 'already_claimed') return heldBy(s, 'already_claimed', r.by);
  return heldBy(s, 'not_assignee', r.assigneeId);
}

function events(conv: ConversationRecord, escalationId: number, now: number): LiveEvent[] {
  return [
    { type: 'escalation.updated', conversationId: conv.id, escalationId, at: now },
    { type: 'conversation.updated', conversationId: conv.id, at: now },
  ];
}

/** Apply one ownership action with compare-and-set; a lost race reads as "someone else has it". */
function apply(s: InboxStores, conv: ConversationRecord, action: OwnershipAction, now: number): { next: Ownership; current: Ownership } | InboxRefusal {
  const current = { owner: conv.owner, assigneeId: conv.assigneeId };
  const next = transition(current, action);
  if (isRefusal(next)) return refusal(s, next);
  if (!s.conversations.writeOwnership(conv.id, current, next, now)) {
    const fresh = s.conversations.byId(conv.id);
    return heldBy(s, 'already_claimed', fresh?.assigneeId ?? null);
  }
  return { next, current };
}

/**
 * Claim a chat for the actor in one IMMEDIATE transaction: from the queue, or straight from the bot (a take-over, which
 * opens a pending escalation). If another tracer has it, the refusal names them. Claiming one's own chat again is a no-op.
 */
export function claim(s: InboxStores, conversationId: number, actor: InboxActor, now: number): InboxResult<{ escalationId: number }> {
  const { inbox } = s;
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const esc = s.escalations.active(conv.id);
    if (conv.owner === 'tracer' && conv.assigneeId === actor.id && esc) return { ok: true, escalationId: esc.id, events: [] };
    const applied = apply(s, conv, { type: 'claim', tracerId: actor.id }, now);
    if ('ok' in applied) return applied;
    let escalationId: number;
    if (esc) {
      inbox.assignEscalation(esc.id, actor.id, now);
      escalationId = esc.id;
    } else {
      // A take-over straight from the bot: the one escalation rule makes it pending with the actor.
      const request = { conversationId: conv.id, caseId: conv.caseId, reason: 'tracer_takeover', priority: 'normal' as const, detail: null, stepId: conv.stepId };
      escalationId = recordEscalation(s, request, actor.id, now).escalationId;
    }
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'claim', entityType: 'conversation', entityId: conv.id, details: { escalationId, from: applied.current.owner }, ip: actor.ip }, now);
    return { ok: true, escalationId, events: events(conv, escalationId, now) };
  });
}

/** Hand a chat to another active user. The holder may transfer; a coordinator or admin may reassign anyone's (or an unassigned) chat. */
export function transfer(s: InboxStores, conversationId: number, toUserId: number, actor: InboxActor, now: number): InboxResult {
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const target = s.users.getActive(toUserId);
    if (!target) return { ok: false, error: 'unknown_user' } as const;
    const esc = s.escalations.active(conv.id);
    if (!esc || conv.owner !== 'tracer') return { ok: false, error: 'not_with_tracer' } as const;
    const coordinator = hasRole(actor.role, 'coordinator');
    if (conv.assigneeId !== actor.id && !coordinator) return heldBy(s, 'not_assignee', conv.assigneeId);
    const action: OwnershipAction =
      conv.assigneeId === null ? { type: 'claim', tracerId: toUserId } : { type: 'transfer', fromTracerId: conv.assigneeId, toTracerId: toUserId };
    const applied = apply(s, conv, action, now);
    if ('ok' in applied) return applied;
    s.inbox.assignEscalation(esc.id, toUserId, now);
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'transfer', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc.id, from: conv.assigneeId, to: toUserId }, ip: actor.ip }, now);
    return { ok: true, events: events(conv, esc.id, now) };
  });
}

/** Put a chat back in the queue (unassigned, still waiting since it first asked). The holder, or a coordinator/admin, may. */
export function release(s: InboxStores, conversationId: number, actor: InboxActor, now: number): InboxResult {
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const esc = s.escalations.active(conv.id);
    if (!esc || conv.owner !== 'tracer' || conv.assigneeId === null) return { ok: false, error: 'not_with_tracer' } as const;
    if (conv.assigneeId !== actor.id && !hasRole(actor.role, 'coordinator')) return heldBy(s, 'not_assignee', conv.assigneeId);
    const applied = apply(s, conv, { type: 'release', tracerId: conv.assigneeId }, now);
    if ('ok' in applied) return applied;
    s.inbox.unassignEscalation(esc.id, now);
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'release', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc.id, from: conv.assigneeId }, ip: actor.ip }, now);
    return { ok: true, events: events(conv, esc.id, now) };
  });
}

/** Chats the user holds now (pending escalations assigned to them). */
export function activeChatCount(repos: Pick<Repositories, 'inbox'>, userId: number): number {
  return repos.inbox.activeChatCount(userId);
}

/**
 * Auto-assignment: claim the most urgent, longest-waiting unassigned chat for the actor, unless they already hold their cap
 * (users.maxChats). Fair routing: nobody picks, nobody hoards.
 */
export function claimNext(s: InboxStores, actor: InboxActor, now: number): InboxResult<{ conversationId: number; escalationId: number }> {
  return s.transactions.transaction(() => {
    const user = s.users.get(actor.id);
    if (!user) return { ok: false, error: 'unknown_user' } as const;
    if (activeChatCount(s, actor.id) >= user.maxChats) return { ok: false, error: 'at_cap', detail: String(user.maxChats) } as const;
    const areas = areaScope(user);
    const next = s.inbox.nextUnassigned(areas ? { areas, userId: user.id } : null);
    if (!next) return { ok: false, error: 'queue_empty' } as const;
    const res = claim(s, next.conversationId, actor, now);
    return res.ok ? { ...res, conversationId: next.conversationId } : res;
  });
}
