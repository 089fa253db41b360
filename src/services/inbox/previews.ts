import type { QueuePreview, Repositories } from '../../domain/repositories/index.js';

export type { QueuePreview } from '../../domain/repositories/index.js';

/** The newest message for each queue card, by conversation id. */
export function queuePreviews(repos: Pick<Repositories, 'inbox'>, conversationIds: number[]): Map<number, QueuePreview> {
  return new Map(repos.inbox.previews([...new Set(conversationIds)]).map((p) => [p.conversationId, p]));
}

/** Patient messages the user has not seen, per chat (a chat they never opened: all of its patient messages). */
export function unreadCounts(repos: Pick<Repositories, 'inboxReads'>, userId: number, conversationIds: number[]): Map<number, number> {
  return repos.inboxReads.unread(userId, [...new Set(conversationIds)]);
}

/** The user has now seen the chat up to its newest message (opening it, or its transcript refreshing while open). */
export function markChatRead(repos: Pick<Repositories, 'inboxReads'>, userId: number, conversationId: number, now: number): void {
  repos.inboxReads.markRead(userId, conversationId, now);
}

/**
 * What a tracer typed in the inbox search, as the queue's search term: trimmed, and a phone number written the local way
 * ("0812-3456 7890") reduced to the digits after the leading 0, so it also finds "+6281234567890". Empty means no search.
 */
export function queueSearchTerm(raw: string | undefined): string | undefined {
  const q = (raw ?? '').trim().slice(0, 100);
  if (q === '') return undefined;
  const digits = q.replace(/[\s\-().]/g, '');
  if (/^\+?\d{4,}$/.test(digits)) return digits.replace(/^(\+?62|0)/, '');
  return q;
}
