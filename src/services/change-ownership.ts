import { isRefusal, transition, type Ownership, type OwnershipAction, type OwnershipRefusal } from '../domain/ownership.js';
import type { ConversationsRepository } from '../domain/repositories/conversations.js';

/** The result of an ownership change: refused by the rules, or the new ownership and whether this process wrote it. */
export type OwnershipChange =
  | { ok: true; ownership: Ownership; changed: boolean; written: boolean }
  | { ok: false; refusal: OwnershipRefusal };

/**
 * Apply ownership actions through `transition` (domain/ownership.ts) and write the result compare-and-set. The only way the
 * product changes who owns a conversation. `skipRefused`: an action the rules refuse is ignored (the bot's own events, e.g.
 * an escalation on a chat that just closed); otherwise the first refusal is returned and nothing is written.
 * `written` is false when another process changed the row since `conv` was read.
 */
export function changeOwnership(
  conversations: ConversationsRepository,
  conv: { id: number } & Ownership,
  actions: OwnershipAction[],
  now: number,
  opts: { skipRefused?: boolean; closedReason?: string | null } = {},
): OwnershipChange {
  const current: Ownership = { owner: conv.owner, assigneeId: conv.assigneeId };
  let next = current;
  for (const action of actions) {
    const r = transition(next, action);
    if (isRefusal(r)) {
      if (opts.skipRefused) continue;
      return { ok: false, refusal: r };
    }
    next = r;
  }
  const changed = next.owner !== current.owner || next.assigneeId !== current.assigneeId;
  const extra = opts.closedReason !== undefined ? { closedReason: opts.closedReason } : {};
  if (!changed && opts.closedReason === undefined) return { ok: true, ownership: next, changed, written: true };
  const written = conversations.writeOwnership(conv.id, current, next, now, extra);
  return { ok: true, ownership: written ? next : current, changed, written };
}
