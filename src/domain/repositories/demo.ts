/** What the demo seeder reads and settles directly (interface only; SQLite in src/db/repositories). */

/** Row counts the demo reports once it has filled the database. */
export interface DemoCounts {
  cases: number;
  conversations: number;
  completed: number;
  inProgress: number;
  notReached: number;
  unreachable: number;
  optedOut: number;
  escalations: { open: number; pending: number; resolved: number };
  contacts: number;
  exposures: number;
  chains: number;
}

export interface DemoRepository {
  /** The engine state (JSON) and owner of a conversation. */
  conversationState(id: number): { state: string; owner: string } | undefined;
  /** Outbox rows not dispatched yet, oldest first. */
  undispatchedOutbox(): { id: number; kind: string; payload: string; at: number }[];
  /** Mark one outbox row dispatched (the demo plays the workers; nothing real is sent). */
  markDispatched(id: number, at: number): void;
  /** Mark every queued outbound message sent at its creation time. */
  markQueuedSent(): void;
  counts(): DemoCounts;
}
