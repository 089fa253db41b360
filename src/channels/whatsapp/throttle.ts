/** Sending limits for one WhatsApp account. */
export interface ThrottleLimits {
  /** At most this many messages in any minute, spread evenly (one every 60 000 / perMinute ms). */
  perMinute: number;
  /** At least this long between two messages to the same chat. */
  chatIntervalMs: number;
  /** A random extra wait in [0, jitterMs] on every message, so the rhythm does not look machine-made. */
  jitterMs: number;
}

/** Time and randomness, injectable so tests run on a fake clock. */
export interface ThrottleDeps {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/**
 * Paces outbound WhatsApp messages. Slots are handed out in request order and never go back in time, so one account sends
 * one message at a time; each slot respects the global spacing, the per-chat interval, and adds jitter. Evenly spaced slots
 * (rather than a burst then a pause) are what keeps a number from looking like a spammer.
 */
export class Throttle {
  private lastSlot = Number.NEGATIVE_INFINITY;
  private readonly lastByChat = new Map<string, number>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly deps: ThrottleDeps,
  ) {
    if (!(limits.perMinute > 0)) throw new RangeError('Throttle: perMinute must be positive');
  }

  /** Book the next send slot for `chat` and return its time (epoch ms); does not wait. */
  reserve(chat: string): number {
    const spacing = 60_000 / this.limits.perMinute;
    const earliest = Math.max(
      this.deps.now(),
      this.lastSlot + spacing,
      (this.lastByChat.get(chat) ?? Number.NEGATIVE_INFINITY) + this.limits.chatIntervalMs,
    );
    const slot = Math.ceil(earliest + this.deps.random() * this.limits.jitterMs);
    this.lastSlot = slot;
    this.lastByChat.set(chat, slot);
    // Forget chats whose interval has passed, so the map stays small on a long-running process.
    if (this.lastByChat.size > 1000) {
      const horizon = this.deps.now() - this.limits.chatIntervalMs;
      for (const [c, t] of this.lastByChat) if (t < horizon) this.lastByChat.delete(c);
    }
    return slot;
  }

  /** Book a slot for `chat` and resolve when it arrives; returns the slot time. */
  async wait(chat: string): Promise<number> {
    const slot = this.reserve(chat);
    const delay = slot - this.deps.now();
    if (delay > 0) await this.deps.sleep(delay);
    return slot;
  }
}
