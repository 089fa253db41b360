/**
 * Coordination between processes for things only one of them may do (WhatsApp allows one socket per linked device) and
 * small state every process may read (the link state the admin page shows). Backed by Redis in `src/queue`.
 */

/** A time-limited lease naming the one process allowed to act; only the token that took it may extend or release it. */
export interface Lease {
  readonly token: string;
  /** Take the lease if nobody holds it; true when we now hold it. */
  acquire(): Promise<boolean>;
  /** Extend our lease by a full ttl; false when it is no longer ours. */
  renew(): Promise<boolean>;
  /** Give the lease back if it is still ours (never releases another holder's lease). */
  release(): Promise<void>;
}

/** A small value with an expiry, shared by every process. */
export interface SharedValue {
  get(): Promise<string | null>;
  set(value: string, ttlMs: number): Promise<void>;
  delete(): Promise<void>;
}

/** Makes leases and shared values under names (names are namespaced by the implementation). */
export interface Coordination {
  lease(name: string, ttlMs: number): Lease;
  value(name: string): SharedValue;
}
