import { reconnectDelay, type LinkRetry } from './link-state.js';

/** Reconnect timing of the socket holder; all optional (README: 1 s doubling to 60 s). */
export interface ReconnectOptions {
  /** First delay after a failed attempt. Default 1 s. */
  initialMs?: number;
  /** Cap of the doubling delay. Default 60 s. */
  maxMs?: number;
  /**
   * How long one attempt may take to open or show a QR code before it is given up and the next one scheduled. Baileys has
   * no such limit: a server that answers the upgrade with an HTTP error leaves its socket "connecting" forever (issue 12).
   * Default 45 s (baileys' own handshake timeout is 20 s, its login steps as long again).
   */
  attemptTimeoutMs?: number;
}

/**
 * The holder's retry state: failed attempts in a row, the timer of the next attempt and the watchdog of the current one.
 * Every failed or hung attempt goes through `failed`, which schedules exactly one next attempt.
 */
export class ReconnectSchedule {
  private failures = 0;
  private last: LinkRetry | undefined;
  private nextTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly attemptTimeoutMs: number;

  constructor(options: ReconnectOptions = {}, private readonly now: () => number = Date.now) {
    this.initialMs = options.initialMs ?? 1_000;
    this.maxMs = options.maxMs ?? 60_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 45_000;
  }

  /** Failed attempts in a row. */
  get failedInARow(): number {
    return this.failures;
  }

  /** The last failure while attempts keep failing, for the link state; undefined once connected. */
  get retry(): LinkRetry | undefined {
    return this.last;
  }

  /** The attempt in progress gets `onTimeout` called unless `settled` is called first. */
  watch(onTimeout: () => void): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(onTimeout, this.attemptTimeoutMs);
  }

  /** The attempt in progress answered (open, QR, pairing, or closed): its watchdog stops. */
  settled(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  /** An attempt failed: count it, and run `next` after the backoff delay (or `delayMs`). Returns what the link shows. */
  failed(reason: LinkRetry['reason'], statusCode: number | undefined, next: () => void, delayMs?: number): LinkRetry {
    this.settled();
    const delay = delayMs ?? reconnectDelay(this.failures, this.initialMs, this.maxMs);
    this.failures++;
    this.last = { failures: this.failures, reason, ...(statusCode !== undefined ? { statusCode } : {}), nextAt: this.now() + delay };
    this.runIn(delay, next);
    return this.last;
  }

  /** Run `next` after `delayMs` without counting a failure (a restart WhatsApp asked for, a fresh QR after logout). */
  runIn(delayMs: number, next: () => void): void {
    clearTimeout(this.nextTimer);
    this.nextTimer = setTimeout(next, delayMs);
  }

  /** Connected (or a new holder): the backoff starts over. */
  reset(): void {
    this.failures = 0;
    this.last = undefined;
  }

  /** Stop both timers (stop, lease lost). */
  cancel(): void {
    this.settled();
    clearTimeout(this.nextTimer);
    this.nextTimer = undefined;
  }
}
