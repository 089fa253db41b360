import type { OutboxRepository, PendingOutboxRecord } from '../../domain/repositories/outbox.js';
import type { Db } from '../client.js';

/** The outbox over SQLite; statements prepared once. */
export function createOutboxRepository(db: Db): OutboxRepository {
  const c = db.$client;
  const insert = c.prepare(
    `INSERT INTO outbox (kind, conversation_id, payload, available_at, created_at) VALUES (@kind, @conversationId, @payload, @availableAt, @now) RETURNING id`,
  );
  const select = `SELECT o.id, o.kind, o.conversation_id AS conversationId, o.payload, o.created_at AS createdAt, c.channel FROM outbox o
    LEFT JOIN conversations c ON c.id = o.conversation_id WHERE o.dispatched_at IS NULL`;
  const byIds = c.prepare(`${select} AND o.id IN (SELECT value FROM json_each(?)) ORDER BY o.id`);
  const available = c.prepare(`${select} AND o.available_at <= ? ORDER BY o.id LIMIT ?`);
  const mark = c.prepare(`UPDATE outbox SET dispatched_at = ? WHERE id IN (SELECT value FROM json_each(?))`);
  const undelivered = c.prepare(
    `SELECT o.id, o.kind, o.conversation_id AS conversationId, o.payload, o.created_at AS createdAt, c.channel FROM outbox o
     LEFT JOIN conversations c ON c.id = o.conversation_id WHERE o.kind = 'send' AND o.dispatched_at IS NOT NULL
     AND EXISTS (SELECT 1 FROM ${db.engine === 'postgres' ? `json_array_elements_text(o.payload::json -> 'messageIds') j(value)` : `json_each(o.payload, '$.messageIds') j`}
       JOIN messages m ON m.id = CAST(j.value AS INTEGER) WHERE m.status = 'queued')
     ORDER BY o.id LIMIT ?`,
  );
  const payload = c.prepare(`SELECT payload FROM outbox WHERE id = ?`);
  const prune = c.prepare(`DELETE FROM outbox WHERE dispatched_at IS NOT NULL AND dispatched_at < ?`);
  return {
    insert: (row) => (insert.get(row) as { id: number }).id,
    pendingByIds: (ids) => (ids.length ? (byIds.all(JSON.stringify(ids)) as PendingOutboxRecord[]) : []),
    pendingAvailableBy: (at, limit) => available.all(at, limit) as PendingOutboxRecord[],
    markDispatched: (ids, at) => {
      if (ids.length) mark.run(at, JSON.stringify(ids));
    },
    dispatchedUndelivered: (limit) => undelivered.all(limit) as PendingOutboxRecord[],
    payloadOf: (id) => (payload.get(id) as { payload: string } | undefined)?.payload,
    pruneDispatched: (before) => prune.run(before).changes,
  };
}
