import type { TimerRecord, TimersRepository } from '../../domain/repositories/timers.js';
import type { Db } from '../client.js';

/** Reminder and expiry timers over SQLite; statements prepared once. */
export function createTimersRepository(db: Db): TimersRepository {
  const c = db.$client;
  const arm = c.prepare(
    `INSERT INTO timers (conversation_id, kind, due_at, state, updated_at) VALUES (?, ?, ?, 'pending', ?)
     ON CONFLICT (conversation_id, kind) DO UPDATE SET due_at = excluded.due_at, state = 'pending', fired_at = NULL, updated_at = excluded.updated_at`,
  );
  const fired = c.prepare(`UPDATE timers SET state = 'fired', fired_at = ?, updated_at = ? WHERE conversation_id = ? AND kind = ? AND state = 'pending'`);
  const cols = `t.conversation_id AS conversationId, t.kind, t.due_at AS dueAt, c.channel, c.channel_user_id AS channelUserId
    FROM timers t JOIN conversations c ON c.id = t.conversation_id WHERE t.state = 'pending'`;
  const due = c.prepare(`SELECT ${cols} AND t.due_at <= ? ORDER BY t.due_at, t.id LIMIT ?`);
  const every = c.prepare(`SELECT ${cols} ORDER BY t.due_at, t.id LIMIT ?`);
  const forConv = c.prepare(`SELECT ${cols} AND t.conversation_id = ? ORDER BY t.kind`);
  return {
    arm: (conversationId, kind, dueAt, now) => void arm.run(conversationId, kind, dueAt, now),
    markFired: (conversationId, kind, now) => void fired.run(now, now, conversationId, kind),
    pendingDueBy: (at, limit) => (Number.isFinite(at) ? due.all(at, limit) : every.all(limit)) as TimerRecord[],
    pendingFor: (conversationId) => forConv.all(conversationId) as TimerRecord[],
  };
}
