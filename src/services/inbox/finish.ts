import { isRefusal, transition } from '../../domain/ownership.js';
import { hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { heldBy, type InboxStores } from './stores.js';
import type { InboxActor, InboxResult, ResolveOutcome } from './types.js';

/**
 * Give the chat back to the bot: ownership `hand_back`, escalation resolved as `handed_back`, audited, in one transaction.
 * The caller then runs `pipeline.resume(conversationId, stepId)` so the bot asks that step's question.
 */
export function handBack(s: InboxStores, conversationId: number, stepId: string | null, actor: InboxActor, now: number): InboxResult<{ escalationId: number | null }> {
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (conv.owner !== 'tracer' || conv.assigneeId === null) return { ok: false, error: 'not_with_tracer' } as const;
    if (conv.assigneeId !== actor.id && !hasRole(actor.role, 'coordinator')) return heldBy(s, 'not_assignee', conv.assigneeId);
    const current = { owner: conv.owner, assigneeId: conv.assigneeId };
    const next = transition(current, { type: 'hand_back', tracerId: conv.assigneeId });
    if (isRefusal(next)) return { ok: false, error: 'not_with_tracer' } as const;
    if (!s.conversations.writeOwnership(conv.id, current, next, now)) return heldBy(s, 'already_claimed', s.conversations.byId(conv.id)?.assigneeId ?? null);
    const esc = s.escalations.active(conv.id);
    if (esc) {
      s.inbox.resolveEscalation(esc.id, 'handed_back', null, now);
    }
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'hand_back', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc?.id ?? null, stepId }, ip: actor.ip }, now);
    return {
      ok: true,
      escalationId: esc?.id ?? null,
      events: [
        ...(esc ? [{ type: 'escalation.updated' as const, conversationId: conv.id, escalationId: esc.id, at: now }] : []),
        { type: 'conversation.updated' as const, conversationId: conv.id, at: now },
      ],
    };
  });
}

/**
 * Finish a chat with an outcome: escalation resolved, conversation closed (ownership `close`, reason `resolved`), audited.
 * The holder may resolve; a coordinator or admin may resolve any open chat.
 */
export function resolve(s: InboxStores, conversationId: number, outcome: ResolveOutcome, actor: InboxActor, now: number): InboxResult {
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (conv.owner === 'closed') return { ok: false, error: 'closed' } as const;
    if (conv.assigneeId !== actor.id && !hasRole(actor.role, 'coordinator')) {
      return conv.assigneeId === null ? ({ ok: false, error: 'not_with_tracer' } as const) : heldBy(s, 'not_assignee', conv.assigneeId);
    }
    const current = { owner: conv.owner, assigneeId: conv.assigneeId };
    const next = transition(current, { type: 'close' });
    if (isRefusal(next)) return { ok: false, error: 'closed' } as const;
    if (!s.conversations.writeOwnership(conv.id, current, next, now, { closedReason: 'resolved' })) return heldBy(s, 'already_claimed', s.conversations.byId(conv.id)?.assigneeId ?? null);
    const esc = s.escalations.active(conv.id);
    if (esc) {
      s.inbox.resolveEscalation(esc.id, outcome, esc.assigneeId ?? actor.id, now);
    }
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'resolve', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc?.id ?? null, outcome }, ip: actor.ip }, now);
    return {
      ok: true,
      events: [
        ...(esc ? [{ type: 'escalation.updated' as const, conversationId: conv.id, escalationId: esc.id, at: now }] : []),
        { type: 'conversation.updated' as const, conversationId: conv.id, at: now },
      ],
    };
  });
}
