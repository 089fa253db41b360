/**
 * Who owns a conversation: the bot, a tracer, or nobody (closed). This is the one place the owner changes, so the bot can
 * never answer while a tracer has the chat. Transitions are pure: they return the new ownership or a refusal value.
 */

export type Owner = 'bot' | 'tracer' | 'closed';

export interface Ownership {
  owner: Owner;
  /** The tracer holding the chat (owner = tracer), or null. */
  assigneeId: number | null;
}

export type OwnershipAction =
  /** The bot asked for a person: the chat waits in the queue, the bot is silent, no tracer yet. */
  | { type: 'escalate' }
  /** A tracer takes the chat (from the queue, or from the bot directly). */
  | { type: 'claim'; tracerId: number }
  | { type: 'transfer'; fromTracerId: number; toTracerId: number }
  /** The tracer puts the chat back in the queue for someone else. */
  | { type: 'release'; tracerId: number }
  /** The tracer gives the chat back to the bot. */
  | { type: 'hand_back'; tracerId: number }
  | { type: 'close' }
  /** A new interview on a closed chat (e.g. a new `/start`). */
  | { type: 'reopen' };

export type OwnershipRefusal =
  | { refused: 'already_claimed'; by: number }
  | { refused: 'not_assignee'; assigneeId: number | null }
  | { refused: 'closed' };

/** Apply one action to an ownership; returns the next ownership, or a refusal explaining why not. */
export function transition(current: Ownership, action: OwnershipAction): Ownership | OwnershipRefusal {
  switch (action.type) {
    case 'escalate':
      if (current.owner === 'closed') return { refused: 'closed' };
      // Already with a tracer (or queued): the chat stays where it is.
      return current.owner === 'tracer' ? current : { owner: 'tracer', assigneeId: null };
    case 'claim':
      if (current.owner === 'closed') return { refused: 'closed' };
      if (current.owner === 'tracer' && current.assigneeId !== null && current.assigneeId !== action.tracerId) {
        return { refused: 'already_claimed', by: current.assigneeId };
      }
      return { owner: 'tracer', assigneeId: action.tracerId };
    case 'transfer':
      if (current.owner !== 'tracer' || current.assigneeId !== action.fromTracerId) {
        return current.owner === 'closed' ? { refused: 'closed' } : { refused: 'not_assignee', assigneeId: current.assigneeId };
      }
      return { owner: 'tracer', assigneeId: action.toTracerId };
    case 'release':
    case 'hand_back':
      if (current.owner !== 'tracer' || current.assigneeId !== action.tracerId) {
        return current.owner === 'closed' ? { refused: 'closed' } : { refused: 'not_assignee', assigneeId: current.assigneeId };
      }
      return action.type === 'release' ? { owner: 'tracer', assigneeId: null } : { owner: 'bot', assigneeId: null };
    case 'close':
      return { owner: 'closed', assigneeId: null };
    case 'reopen':
      return current.owner === 'closed' ? { owner: 'bot', assigneeId: null } : current;
  }
}

/** True when the bot may speak in this conversation. */
export function botMaySpeak(o: Ownership): boolean {
  return o.owner === 'bot';
}

/** True when a refusal came back instead of a new ownership. */
export function isRefusal(r: Ownership | OwnershipRefusal): r is OwnershipRefusal {
  return 'refused' in r;
}
