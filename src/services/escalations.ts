import type { LiveEvent } from '../domain/live-events.js';
import type { Ownership } from '../domain/ownership.js';
import type { ConversationsRepository } from '../domain/repositories/conversations.js';
import type { EscalationPriority, EscalationsRepository } from '../domain/repositories/escalations.js';
import type { OutboxRepository } from '../domain/repositories/outbox.js';
import { changeOwnership } from './change-ownership.js';
import { addEvent } from './outbox.js';

/** A request for a person on a conversation. */
export interface EscalationRequest {
  conversationId: number;
  caseId: number | null;
  reason: string;
  priority: EscalationPriority;
  detail: string | null;
  stepId: string | null;
}

/** What recording an escalation did: the escalation, whether it is new, and the effects to dispatch after commit. */
export interface EscalationRecorded {
  escalationId: number;
  created: boolean;
  live: LiveEvent[];
  outboxIds: number[];
}

const RANK: Record<EscalationPriority, number> = { normal: 0, high: 1, urgent: 2 };

/**
 * The one rule for escalations, used by the turn, delivery and the inbox. A conversation has at most one active
 * (open or pending) escalation: a new request on a chat that has one raises its priority when the request is more urgent
 * and changes nothing else. Otherwise a new escalation is created, `pending` when a tracer already holds the chat
 * (`holder`), else `open`, and an `escalation.created` event goes to the outbox for webhooks. Runs inside the caller's
 * transaction; the caller has already applied the `escalate` ownership action (see `escalateConversation`).
 */
export function recordEscalation(
  stores: { escalations: EscalationsRepository; outbox: OutboxRepository },
  req: EscalationRequest,
  holder: number | null,
  now: number,
): EscalationRecorded {
  const existing = stores.escalations.active(req.conversationId);
  if (existing) {
    if (RANK[req.priority] <= RANK[existing.priority]) return { escalationId: existing.id, created: false, live: [], outboxIds: [] };
    stores.escalations.setPriority(existing.id, req.priority, now);
    return {
      escalationId: existing.id,
      created: false,
      live: [{ type: 'escalation.updated', conversationId: req.conversationId, escalationId: existing.id, at: now }],
      outboxIds: [],
    };
  }
  const escalationId = stores.escalations.insert({
    conversationId: req.conversationId,
    reason: req.reason,
    detail: req.detail,
    priority: req.priority,
    status: holder === null ? 'open' : 'pending',
    assigneeId: holder,
    claimedAt: holder === null ? null : now,
    stepId: req.stepId,
    now,
  });
  const data = { escalationId, conversationId: req.conversationId, caseId: req.caseId, reason: req.reason, priority: req.priority };
  const outboxId = addEvent(stores.outbox, req.conversationId, 'escalation.created', data, now);
  return {
    escalationId,
    created: true,
    live: [{ type: 'escalation.created', conversationId: req.conversationId, escalationId, at: now }],
    outboxIds: [outboxId],
  };
}

/**
 * Put a conversation in the tracers' queue now: the `escalate` ownership action (the bot goes silent) and the escalation
 * rule above. A closed conversation is refused. Runs inside the caller's transaction.
 */
export function escalateConversation(
  stores: { conversations: ConversationsRepository; escalations: EscalationsRepository; outbox: OutboxRepository },
  conv: { id: number; caseId: number | null; stepId: string | null } & Ownership,
  req: Omit<EscalationRequest, 'conversationId' | 'caseId' | 'stepId'> & { stepId?: string | null },
  now: number,
): ({ ok: true } & EscalationRecorded) | { ok: false; error: 'closed' } {
  const change = changeOwnership(stores.conversations, conv, [{ type: 'escalate' }], now);
  if (!change.ok) return { ok: false, error: 'closed' };
  const recorded = recordEscalation(
    stores,
    { conversationId: conv.id, caseId: conv.caseId, reason: req.reason, priority: req.priority, detail: req.detail, stepId: req.stepId ?? conv.stepId },
    change.ownership.assigneeId,
    now,
  );
  const live: LiveEvent[] = change.changed ? [{ type: 'conversation.updated', conversationId: conv.id, at: now }, ...recorded.live] : recorded.live;
  return { ok: true, ...recorded, live };
}
