import { eq } from 'drizzle-orm';
import { schema, tx, type Db } from '../../db/index.js';
import { isRefusal, transition } from '../../domain/ownership.js';
import { hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { activeEscalation, heldBy, loadConversation, writeOwnership } from './ownership-store.js';
import type { InboxActor, InboxResult, ResolveOutcome } from './types.js';

/**
 * Give the chat back to the bot: ownership `hand_back`, escalation resolved as `handed_back`, audited, in one transaction.
 * The caller then runs `pipeline.resume(conversationId, stepId)` so the bot asks that step's question.
 */
export function handBack(db: Db, conversationId: number, stepId: string | null, actor: InboxActor, now: number): InboxResult<{ escalationId: number | null }> {
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (conv.owner !== 'tracer' || conv.assigneeId === null) return { ok: false, error: 'not_with_tracer' } as const;
    if (conv.assigneeId !== actor.id && !hasRole(actor.role, 'coordinator')) return heldBy(db, 'not_assignee', conv.assigneeId);
    const current = { owner: conv.owner, assigneeId: conv.assigneeId };
    const next = transition(current, { type: 'hand_back', tracerId: conv.assigneeId });
    if (isRefusal(next)) return { ok: false, error: 'not_with_tracer' } as const;
    if (!writeOwnership(db, conv.id, current, next, now)) return heldBy(db, 'already_claimed', loadConversation(db, conv.id)?.assigneeId ?? null);
    const esc = activeEscalation(db, conv.id);
    if (esc) {
      db.update(schema.escalations).set({ status: 'resolved', outcome: 'handed_back', resolvedAt: now, updatedAt: now }).where(eq(schema.escalations.id, esc.id)).run();
    }
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'hand_back', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc?.id ?? null, stepId }, ip: actor.ip }, now);
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
export function resolve(db: Db, conversationId: number, outcome: ResolveOutcome, actor: InboxActor, now: number): InboxResult {
  return tx(db, () => {
    const conv = loadConversation(db, conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (conv.owner === 'closed') return { ok: false, error: 'closed' } as const;
    if (conv.assigneeId !== actor.id && !hasRole(actor.role, 'coordinator')) {
      return conv.assigneeId === null ? ({ ok: false, error: 'not_with_tracer' } as const) : heldBy(db, 'not_assignee', conv.assigneeId);
    }
    const current = { owner: conv.owner, assigneeId: conv.assigneeId };
    const next = transition(current, { type: 'close' });
    if (isRefusal(next)) return { ok: false, error: 'closed' } as const;
    if (!writeOwnership(db, conv.id, current, next, now, { closedReason: 'resolved' })) return heldBy(db, 'already_claimed', loadConversation(db, conv.id)?.assigneeId ?? null);
    const esc = activeEscalation(db, conv.id);
    if (esc) {
      db.update(schema.escalations).set({ status: 'resolved', outcome, assigneeId: esc.assigneeId ?? actor.id, resolvedAt: now, updatedAt: now }).where(eq(schema.escalations.id, esc.id)).run();
    }
    audit(db, { actorKind: 'user', actorId: actor.id, action: 'resolve', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc?.id ?? null, outcome }, ip: actor.ip }, now);
    return {
      ok: true,
      events: [
        ...(esc ? [{ type: 'escalation.updated' as const, conversationId: conv.id, escalationId: esc.id, at: now }] : []),
        { type: 'conversation.updated' as const, conversationId: conv.id, at: now },
      ],
    };
  });
}
