/** A reminder or expiry timer as stored. */
export interface TimerRecord {
  conversationId: number;
  kind: 'reminder' | 'expire';
  dueAt: number;
  channel: import('../channel.js').ChannelName;
  channelUserId: string;
}

/** Reminder and expiry timers: the source of truth for what is scheduled (Redis delayed jobs are a cache of it). */
export interface TimersRepository {
  /** Arm (or re-arm) the conversation's timer of this kind for `dueAt`; it becomes pending. */
  arm(conversationId: number, kind: TimerRecord['kind'], dueAt: number, now: number): void;
  /** Mark the timer fired (whatever its due time: the turn decides whether it was early and re-arms). */
  markFired(conversationId: number, kind: TimerRecord['kind'], now: number): void;
  /** Pending timers due at or before `at` (every pending one when `at` is Infinity), soonest first, at most `limit`. */
  pendingDueBy(at: number, limit: number): TimerRecord[];
  /** Pending timers of one conversation. */
  pendingFor(conversationId: number): TimerRecord[];
}
