import type { Repositories } from '../../domain/repositories/index.js';
import type { Priority } from '../../flow/types.js';
import { escalateConversation } from '../escalations.js';
import type { InboxResult } from './types.js';

export interface EscalationInput {
  conversationId: number;
  reason: string;
  priority?: Priority;
  detail?: string | null;
  stepId?: string | null;
}

/** The repositories an escalation from the inbox needs. */
export type EscalationStores = Pick<Repositories, 'transactions' | 'conversations' | 'escalations' | 'outbox'>;

/**
 * Put a conversation in the tracers' queue, by the one escalation rule (services/escalations.ts): the bot goes silent,
 * and an escalation already open or pending is kept (its priority raised if this one is higher) instead of adding a
 * second. May run inside the caller's transaction.
 */
export function openEscalation(stores: EscalationStores, input: EscalationInput, now: number): InboxResult<{ escalationId: number; created: boolean; outboxIds: number[] }> {
  return stores.transactions.transaction(() => {
    const conv = stores.conversations.byId(input.conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const r = escalateConversation(
      stores,
      conv,
      { reason: input.reason, priority: input.priority ?? 'normal', detail: input.detail ?? null, ...(input.stepId !== undefined ? { stepId: input.stepId } : {}) },
      now,
    );
    if (!r.ok) return { ok: false, error: 'closed' } as const;
    const escalationEvent = r.created
      ? ({ type: 'escalation.created', conversationId: conv.id, escalationId: r.escalationId, at: now } as const)
      : ({ type: 'escalation.updated', conversationId: conv.id, escalationId: r.escalationId, at: now } as const);
    const events = [{ type: 'conversation.updated' as const, conversationId: conv.id, at: now }, escalationEvent];
    return { ok: true, escalationId: r.escalationId, created: r.created, outboxIds: r.outboxIds, events };
  });
}
