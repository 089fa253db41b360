import { eq } from 'drizzle-orm';
import { schema, tx, type Db } from '../../db/index.js';
import { isRefusal, transition } from '../../domain/ownership.js';
import type { Priority } from '../../flow/types.js';
import { activeEscalation, loadConversation, writeOwnership } from './ownership-store.js';
import type { InboxResult } from './types.js';

export interface EscalationInput {
  conversationId: number;
  reason: string;
  priority?: Priority;
  detail?: string | null;
  stepId?: string | null;
}

/**
 * Put a conversation in the tracers' queue: ownership `escalate` (the bot goes silent) and an open escalation. If one is
 * already open or pending, it is kept (its priority raised if this one is higher) instead of adding a second. May run
 * inside the caller's transaction (it nests as a savepoint).
 */
export function openEscalation(db: Db, input: EscalationInput, now: number): InboxResult<{ escalationId: number; created: boolean }> {
  return tx(db, () => {
    const conv = loadConversation(db, input.conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const current = { owner: conv.owner, assigneeId: conv.assigneeId };
    const next = transition(current, { type: 'escalate' });
    if (isRefusal(next)) return { ok: false, error: 'closed' } as const;
    writeOwnership(db, conv.id, current, next, now);
    const existing = activeEscalation(db, conv.id);
    const events = [{ type: 'conversation.updated' as const, conversationId: conv.id, at: now }];
    if (existing) {
      const rank = { normal: 0, high: 1, urgent: 2 };
      const priority = input.priority ?? 'normal';
      if (rank[priority] > rank[existing.priority]) {
        db.update(schema.escalations).set({ priority, updatedAt: now }).where(eq(schema.escalations.id, existing.id)).run();
      }
      return { ok: true, escalationId: existing.id, created: false, events: [...events, { type: 'escalation.updated' as const, conversationId: conv.id, escalationId: existing.id, at: now }] };
    }
    const row = db
      .insert(schema.escalations)
      .values({
        conversationId: conv.id,
        reason: input.reason,
        detail: input.detail ?? null,
        priority: input.priority ?? 'normal',
        status: next.assigneeId === null ? 'open' : 'pending',
        assigneeId: next.assigneeId,
        claimedAt: next.assigneeId === null ? null : now,
        stepId: input.stepId ?? conv.stepId,
        waitingSince: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: schema.escalations.id })
      .get();
    return { ok: true, escalationId: row.id, created: true, events: [...events, { type: 'escalation.created' as const, conversationId: conv.id, escalationId: row.id, at: now }] };
  });
}
