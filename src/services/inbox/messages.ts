import { audit } from '../audit.js';
import { addOutbox } from '../outbox.js';
import { heldBy, type InboxStores } from './stores.js';
import type { InboxActor, InboxResult } from './types.js';

/** Longest reply or note a tracer may send (channels split long texts; this stops accidental pastes). */
export const MAX_TEXT_LENGTH = 4000;

/**
 * Send a reply as the tracer holding the chat: an outbound message (queued) and its `send` outbox row, in one transaction,
 * audited. The caller then calls `pipeline.flushOutbox()`; the delivery worker moves the status to sent or failed.
 */
export function reply(s: InboxStores, conversationId: number, text: string, actor: InboxActor, now: number): InboxResult<{ messageId: number }> {
  const body = text.trim();
  if (!body || body.length > MAX_TEXT_LENGTH) return { ok: false, error: 'invalid' };
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (conv.owner === 'closed') return { ok: false, error: 'closed' } as const;
    if (conv.owner !== 'tracer' || conv.assigneeId !== actor.id) {
      return conv.assigneeId === null ? ({ ok: false, error: 'not_with_tracer' } as const) : heldBy(s, 'not_assignee', conv.assigneeId);
    }
    const messageId = s.inbox.insertMessage({ conversationId: conv.id, direction: 'out', authorId: actor.id, kind: 'text', text: body, channel: conv.channel, status: 'queued', now });
    addOutbox(s.outbox, { kind: 'send', conversationId: conv.id, payload: { messageIds: [messageId] } }, now);
    s.inbox.touchConversation(conv.id, now, { lastOutboundAt: now });
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'reply', entityType: 'conversation', entityId: conv.id, details: { messageId }, ip: actor.ip }, now);
    return { ok: true, messageId, events: [{ type: 'message.created' as const, conversationId: conv.id, messageId, at: now }] };
  });
}

/** Add an internal note (never sent to the patient); any signed-in user may, whoever holds the chat; audited. */
export function addNote(s: InboxStores, conversationId: number, text: string, actor: InboxActor, now: number): InboxResult<{ messageId: number }> {
  const body = text.trim();
  if (!body || body.length > MAX_TEXT_LENGTH) return { ok: false, error: 'invalid' };
  return s.transactions.transaction(() => {
    const conv = s.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    const messageId = s.inbox.insertMessage({ conversationId: conv.id, direction: 'note', authorId: actor.id, kind: 'note', text: body, channel: conv.channel, status: 'sent', now });
    audit(s, { actorKind: 'user', actorId: actor.id, action: 'note', entityType: 'conversation', entityId: conv.id, details: { messageId }, ip: actor.ip }, now);
    return { ok: true, messageId, events: [{ type: 'message.created' as const, conversationId: conv.id, messageId, at: now }] };
  });
}
