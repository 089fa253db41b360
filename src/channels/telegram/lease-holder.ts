import type { Lease } from '../../domain/coordination.js';
import { errorFields, logEvent, logId, type LogSink } from '../../domain/log-event.js';

export interface LeaseHolderOptions {
  lease: Lease;
  /** For the logs: the lease's name (an id, never a secret). */
  name: string;
  /** The lease's time to live, as given to `Coordination.lease`. */
  ttlMs: number;
  /** How often a process without the lease tries to take it. */
  retryMs: number;
  logger: LogSink;
  /** The lease is now ours: begin the work only one process may do. */
  onHold: () => void;
  /** The lease is lost or being given back: end that work; it must be over when the promise resolves. */
  onLose: () => Promise<void>;
}

/** Why the holder stopped its work. */
type LossReason = 'stopped' | 'lease lost' | 'lease could not be renewed in time';

/**
 * Runs one piece of work (the Telegram long poll) in one process at a time. Every process tries to take the lease every
 * `retryMs`; the holder renews it every third of its ttl. Fencing by deadline, as the WhatsApp socket holder does it: the
 * holder ends its work 0.8 ttl after the last successful renewal was *sent*, so a holder cut off from Redis (or too slow to
 * renew) has stopped before Redis can expire the lease and let another process begin.
 */
export class LeaseHolder {
  private running = false;
  private holding = false;
  private ticking: Promise<void> | undefined;
  private losing: Promise<void> | undefined;
  private renewing = false;
  private lastRenewOkSentAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: LeaseHolderOptions) {}

  /** Whether this process holds the lease (and so runs the work). */
  holds(): boolean {
    return this.holding;
  }

  /** Take the lease if it is free (awaited, so the first process to start holds it at once), else keep trying. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
    this.retryTimer = setInterval(() => void this.tick(), this.o.retryMs);
  }

  /** End the work, then give the lease back: the next holder begins only after this one has finished. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.retryTimer);
    await this.ticking;
    await this.lose('stopped');
    await this.losing;
    await this.o.lease.release().catch((err: unknown) => logEvent(this.o.logger, 'warn', 'channel lease release failed', { lease: logId(this.o.name), ...errorFields(err) }));
  }

  private tick(): Promise<void> {
    if (!this.running || this.holding || this.losing || this.ticking) return this.ticking ?? Promise.resolve();
    this.ticking = this.attempt().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async attempt(): Promise<void> {
    const sentAt = Date.now();
    try {
      if (!(await this.o.lease.acquire())) return;
    } catch (err) {
      logEvent(this.o.logger, 'warn', 'channel lease attempt failed', { lease: logId(this.o.name), ...errorFields(err) });
      return;
    }
    if (!this.running) {
      await this.o.lease.release().catch(() => undefined);
      return;
    }
    this.holding = true;
    this.lastRenewOkSentAt = sentAt;
    this.armDeadline();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(10, Math.floor(this.o.ttlMs / 3)));
    logEvent(this.o.logger, 'info', 'channel lease taken', { lease: logId(this.o.name), token: logId(this.o.lease.token) });
    try {
      this.o.onHold();
    } catch (err) {
      logEvent(this.o.logger, 'error', 'channel lease work failed to start', { lease: logId(this.o.name), ...errorFields(err) });
      await this.lose('stopped');
      await this.o.lease.release().catch(() => undefined);
    }
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const left = this.lastRenewOkSentAt + this.o.ttlMs * 0.8 - Date.now();
    this.deadlineTimer = setTimeout(() => void this.lose('lease could not be renewed in time'), Math.max(0, left));
  }

  private async renew(): Promise<void> {
    if (!this.holding || this.renewing) return;
    this.renewing = true;
    const sentAt = Date.now();
    try {
      if (await this.o.lease.renew()) {
        if (!this.holding) return;
        this.lastRenewOkSentAt = sentAt;
        this.armDeadline();
      } else {
        await this.lose('lease lost');
      }
    } catch (err) {
      // Keep working until the deadline: one failed round trip is not yet a lost lease.
      logEvent(this.o.logger, 'warn', 'channel lease renewal failed', { lease: logId(this.o.name), ...errorFields(err) });
    } finally {
      this.renewing = false;
    }
  }

  private async lose(why: LossReason): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    logEvent(this.o.logger, why === 'stopped' ? 'info' : 'warn', 'channel lease given up: work stopped', { lease: logId(this.o.name), why });
    this.losing = this.o.onLose().catch((err: unknown) => logEvent(this.o.logger, 'error', 'channel lease work did not stop cleanly', { lease: logId(this.o.name), ...errorFields(err) }));
    await this.losing;
    this.losing = undefined;
  }
}
