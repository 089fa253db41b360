import type { ChannelName } from '../domain/channel.js';
import type { OutboxRepository, PendingOutboxRecord } from '../domain/repositories/outbox.js';

/** A job to add to a queue; adding the same `jobId` twice adds nothing. */
export interface DispatchJob {
  name: string;
  data: Record<string, unknown>;
  jobId: string;
  /** Run no earlier than this many ms from now. */
  delayMs?: number;
}

/** Where dispatched outbox rows go (the pipeline's queues). */
export interface OutboxTargets {
  /** Add jobs to a channel's outbound queue. */
  outbound(channel: ChannelName, jobs: DispatchJob[]): Promise<void>;
  /** Add jobs to the events queue. */
  events(jobs: DispatchJob[]): Promise<void>;
}

/** How long dispatched outbox rows are kept (for inspection) before the sweeper prunes them. */
export const OUTBOX_KEEP_MS = 7 * 86_400_000;

/**
 * Moves committed outbox rows into the queues. Job ids are derived from outbox ids, so dispatching a row twice (a crash between
 * adding the jobs and marking the rows dispatched) adds nothing the second time, and a crash before dispatch is caught by `sweep`.
 */
export class OutboxDispatcher {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly targets: OutboxTargets,
    private readonly clock: () => number,
  ) {}

  /** Dispatch these outbox rows (those not yet dispatched). */
  async dispatch(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.send(this.outbox.pendingByIds(ids));
  }

  /**
   * Dispatch rows that became available more than `graceMs` ago and are still waiting (their turn's process died before
   * dispatching). Returns how many.
   */
  async sweep(graceMs = 5000): Promise<number> {
    const rows = this.outbox.pendingAvailableBy(this.clock() - graceMs, 500);
    await this.send(rows);
    return rows.length;
  }

  /** Delete rows dispatched more than `keepMs` ago; the outbox would otherwise grow for ever. Returns how many. */
  prune(keepMs = OUTBOX_KEEP_MS): number {
    return this.outbox.pruneDispatched(this.clock() - keepMs);
  }

  /**
   * Queue again the send jobs of dispatched replies not yet sent, `delayMs` from now (after a Redis reset: long enough for a
   * send in flight when Redis lost its jobs to finish and mark its messages sent). Where the job still exists this adds
   * nothing (same job id); delivery skips messages already sent. Returns how many rows it looked at.
   */
  async resendUndelivered(delayMs: number): Promise<number> {
    const rows = this.outbox.dispatchedUndelivered(10_000);
    await this.queue(rows, delayMs);
    return rows.length;
  }

  private async send(rows: PendingOutboxRecord[]): Promise<void> {
    if (!rows.length) return;
    await this.queue(rows);
    this.outbox.markDispatched(
      rows.map((r) => r.id),
      this.clock(),
    );
  }

  private async queue(rows: PendingOutboxRecord[], delayMs?: number): Promise<void> {
    if (!rows.length) return;
    const outbound = new Map<ChannelName, DispatchJob[]>();
    const events: DispatchJob[] = [];
    for (const r of rows) {
      const payload = JSON.parse(r.payload) as Record<string, unknown>;
      if (r.kind === 'send' && r.channel && r.conversationId !== null) {
        const list = outbound.get(r.channel) ?? [];
        list.push({ name: 'send', data: { outboxId: r.id, conversationId: r.conversationId, ...payload }, jobId: `send-${r.id}`, delayMs });
        outbound.set(r.channel, list);
      } else if (r.kind === 'event') {
        // The event's data stays in its outbox row: the job names it (issue 17, no personal data in Redis).
        events.push({ name: String(payload.event), data: { outboxId: r.id, event: payload.event, at: r.createdAt }, jobId: `ev-${r.id}` });
      }
    }
    await Promise.all([...[...outbound].map(([channel, jobs]) => this.targets.outbound(channel, jobs)), events.length ? this.targets.events(events) : undefined]);
  }
}
