import { hasRole } from '../accounts/index.js';
import { audit } from '../audit.js';
import { changeOwnership } from '../change-ownership.js';
import { heldBy, type InboxStores } from './stores.js';
import type { InboxActor, InboxResult } from './types.js';

/**
 * A coordinator or admin takes a chat another tracer holds (the tracer is away, or the chat needs a senior). The chat
 * moves to the actor through the one ownership function, its escalation follows, and the audit log says from whom.
 * A tracer may not take a colleague's chat: they ask for a transfer instead.
 */
export function takeOver(s: InboxStores, conversationId: number, actor: InboxActor, now: number): InboxResult<{ from: number }> {
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (!hasRole(actor.role, 'coordinator')) return heldBy(s, 'not_assignee', conv.assigneeId);
    const esc = s.escalations.active(conv.id);
    if (!esc || conv.owner !== 'tracer' || conv.assigneeId === null) return { ok: false, error: 'not_with_tracer' } as const;
    const from = conv.assigneeId;
    if (from === actor.id) return { ok: true, from, events: [] };
    const change = changeOwnership(s.conversations, conv, [{ type: 'transfer', fromTracerId: from, toTracerId: actor.id }], now);
    if (!change.ok) return { ok: false, error: 'not_with_tracer' } as const;
    // Someone else changed the chat since it was read: say who has it now rather than overwrite.
    if (!change.written) return heldBy(s, 'already_claimed', s.conversations.byId(conv.id)?.assigneeId ?? null);
    s.inbox.assignEscalation(esc.id, actor.id, now);
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'take_over', entityType: 'conversation', entityId: conv.id, details: { escalationId: esc.id, from, to: actor.id }, ip: actor.ip }, now);
    return {
      ok: true,
      from,
      events: [
        { type: 'escalation.updated', conversationId: conv.id, escalationId: esc.id, at: now },
        { type: 'conversation.updated', conversationId: conv.id, at: now },
      ],
    };
  });
}
