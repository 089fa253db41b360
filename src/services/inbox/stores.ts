import type { Repositories } from '../../domain/repositories/index.js';
import type { InboxRefusal } from './types.js';

/** What the inbox actions need: conversations, escalations, the inbox's own rows, accounts and the audit log. */
export type InboxStores = Pick<Repositories, 'transactions' | 'conversations' | 'escalations' | 'outbox' | 'inbox' | 'users' | 'cases' | 'audit'>;

/** The refusal for a chat someone else holds, naming them. */
export function heldBy(repos: Pick<Repositories, 'users'>, error: 'already_claimed' | 'not_assignee', userId: number | null): InboxRefusal {
  if (userId === null) return { ok: false, error, by: null };
  const u = repos.users.get(userId);
  return { ok: false, error, by: u ? { id: u.id, name: u.name } : { id: userId, name: `#${userId}` } };
}
