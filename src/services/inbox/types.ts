import type { UserRole } from '../accounts/index.js';
import type { LiveEvent } from '../../domain/live-events.js';

/** The signed-in person doing an inbox action. */
export interface InboxActor {
  id: number;
  role: UserRole;
  ip?: string | null;
}

/** Why an inbox action did not happen; `by` names the tracer who holds the chat when that is the reason. */
export type InboxRefusal = {
  ok: false;
  error:
    | 'not_found'
    | 'already_claimed'
    | 'not_assignee'
    | 'closed'
    | 'not_with_tracer'
    | 'at_cap'
    | 'queue_empty'
    | 'unknown_user'
    | 'invalid'
    | 'phone_taken';
  by?: { id: number; name: string } | null;
  detail?: string;
};

/** A done action: the live events to publish after the commit, plus what the action returns. */
export type InboxResult<T extends object = object> = ({ ok: true; events: LiveEvent[] } & T) | InboxRefusal;

export const RESOLVE_OUTCOMES = ['reached', 'wrong_number', 'refused', 'completed_by_phone', 'other'] as const;
export type ResolveOutcome = (typeof RESOLVE_OUTCOMES)[number];
