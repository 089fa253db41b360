import type { ChannelName } from '../channel.js';

/** An outbox row not yet dispatched, with the channel of its conversation. */
export interface PendingOutboxRecord {
  id: number;
  kind: 'send' | 'event';
  conversationId: number | null;
  /** JSON. */
  payload: string;
  createdAt: number;
  channel: ChannelName | null;
}

/** The transactional outbox: effects committed with a turn, dispatched to queues after the commit. */
export interface OutboxRepository {
  /** Returns the new id. `availableAt` is when it may be dispatched (the sweeper's clock reads it). */
  insert(row: { kind: 'send' | 'event'; conversationId: number | null; payload: string; availableAt: number; now: number }): number;
  /** These rows, those not yet dispatched, in id order. */
  pendingByIds(ids: number[]): PendingOutboxRecord[];
  /** Undispatched rows available at or before `at`, oldest first, at most `limit`. */
  pendingAvailableBy(at: number, limit: number): PendingOutboxRecord[];
  markDispatched(ids: number[], at: number): void;
  /**
   * Send rows already dispatched whose replies are not all sent yet (their jobs may have vanished with Redis's data), oldest
   * first, at most `limit`.
   */
  dispatchedUndelivered(limit: number): PendingOutboxRecord[];
  /** The JSON payload of a row (dispatched or not), or undefined once it was pruned or erased. */
  payloadOf(id: number): string | undefined;
  /** Delete rows dispatched before `before`; returns how many. */
  pruneDispatched(before: number): number;
}
