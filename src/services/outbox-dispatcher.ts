import type { Queue } from 'bullmq';
import type { Statement } from 'better-sqlite3';
import type { ChannelName } from '../domain/channel.js';
import type { Db } from '../db/index.js';

interface PendingRow {
  id: number;
  kind: string;
  conversation_id: number | null;
  payload: string;
  created_at: number;
  channel: ChannelName | null;
}

export interface OutboxQueues {
  outbound(channel: ChannelName): Queue;
  events: Queue;
}

/**
 * Moves committed outbox rows into BullMQ. Job ids are derived from outbox ids, so dispatching a row twice (a crash between
 * `addBulk` and marking it dispatched) adds nothing the second time, and a crash before dispatch is caught by `sweep`.
 */
export class OutboxDispatcher {
  private readonly byIds: Statement;
  private readonly stale: Statement;
  private readonly mark: Statement;

  constructor(
    private readonly db: Db,
    private readonly queues: OutboxQueues,
    private readonly clock: () => number,
  ) {
    const c = db.$client;
    const select = `SELECT o.id, o.kind, o.conversation_id, o.payload, o.created_at, c.channel FROM outbox o
      LEFT JOIN conversations c ON c.id = o.conversation_id WHERE o.dispatched_at IS NULL`;
    this.byIds = c.prepare(`${select} AND o.id IN (SELECT value FROM json_each(?)) ORDER BY o.id`);
    this.stale = c.prepare(`${select} AND o.created_at <= ? ORDER BY o.id LIMIT 500`);
    this.mark = c.prepare(`UPDATE outbox SET dispatched_at = ? WHERE id IN (SELECT value FROM json_each(?))`);
  }

  /** Dispatch these outbox rows (those not yet dispatched). */
  async dispatch(ids: number[]): Promise<void> {
    if (!ids.length) return;
    await this.send(this.byIds.all(JSON.stringify(ids)) as PendingRow[]);
  }

  /** Dispatch rows left behind for longer than `graceMs` (their turn's process died before dispatching). Returns how many. */
  async sweep(graceMs = 5000): Promise<number> {
    const rows = this.stale.all(this.clock() - graceMs) as PendingRow[];
    await this.send(rows);
    return rows.length;
  }

  private async send(rows: PendingRow[]): Promise<void> {
    if (!rows.length) return;
    const byQueue = new Map<Queue, { name: string; data: unknown; opts: { jobId: string } }[]>();
    const push = (q: Queue, name: string, data: unknown, jobId: string) => {
      const list = byQueue.get(q) ?? [];
      list.push({ name, data, opts: { jobId } });
      byQueue.set(q, list);
    };
    for (const r of rows) {
      const payload = JSON.parse(r.payload) as Record<string, unknown>;
      if (r.kind === 'send' && r.channel && r.conversation_id !== null) {
        push(this.queues.outbound(r.channel), 'send', { outboxId: r.id, conversationId: r.conversation_id, ...payload }, `send-${r.id}`);
      } else if (r.kind === 'event') {
        push(this.queues.events, String(payload.event), { outboxId: r.id, event: payload.event, data: payload.data, at: r.created_at }, `ev-${r.id}`);
      }
    }
    await Promise.all([...byQueue].map(([q, jobs]) => q.addBulk(jobs)));
    this.mark.run(this.clock(), JSON.stringify(rows.map((r) => r.id)));
  }
}
