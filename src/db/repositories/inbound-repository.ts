import type { InboundRepository, PendingInbound } from '../../domain/repositories/inbound.js';
import type { Db } from '../client.js';

/** Accepted inbound messages over SQLite; statements prepared once. */
export function createInboundRepository(db: Db): InboundRepository {
  const c = db.$client;
  const record = c.prepare(
    `INSERT INTO inbound_pending (channel, channel_message_id, channel_user_id, item, received_at)
     VALUES (@channel, @channelMessageId, @channelUserId, @item, @now) ON CONFLICT (channel, channel_message_id) DO NOTHING`,
  );
  const handled = c.prepare(`UPDATE inbound_pending SET handled_at = ? WHERE channel = ? AND channel_message_id = ? AND handled_at IS NULL`);
  const cols = `id, channel, channel_user_id AS channelUserId, channel_message_id AS channelMessageId, item`;
  const forChat = c.prepare(`SELECT ${cols} FROM inbound_pending WHERE channel = ? AND channel_user_id = ? AND handled_at IS NULL ORDER BY id LIMIT ?`);
  // The two newest (one may be the message just accepted). Filtering `<> ?` in SQL made the planner walk the unique index
  // of every message of the channel instead of the chat's unhandled ones.
  const newestTwo = c.prepare(
    `SELECT channel_message_id AS id FROM inbound_pending INDEXED BY inbound_pending_unhandled
     WHERE channel = ? AND channel_user_id = ? AND handled_at IS NULL ORDER BY id DESC LIMIT 2`,
  );
  const all = c.prepare(`SELECT ${cols} FROM inbound_pending WHERE handled_at IS NULL AND id > ? ORDER BY id LIMIT ?`);
  const one = c.prepare(`SELECT id, channel_user_id AS channelUserId, handled_at AS handledAt FROM inbound_pending WHERE channel = ? AND channel_message_id = ?`);
  const laterHandled = c.prepare(`SELECT 1 FROM inbound_pending WHERE channel = ? AND channel_user_id = ? AND id > ? AND handled_at IS NOT NULL LIMIT 1`);
  const prune = c.prepare(`DELETE FROM inbound_pending WHERE handled_at IS NOT NULL AND handled_at < ?`);
  return {
    record: (row) => void record.run(row),
    markHandled: (channel, channelMessageId, now) => void handled.run(now, channel, channelMessageId),
    newestUnhandledOther: (channel, channelUserId, except) => (newestTwo.all(channel, channelUserId) as { id: string }[]).find((r) => r.id !== except)?.id,
    unhandledForChat: (channel, channelUserId, limit) => forChat.all(channel, channelUserId, limit) as PendingInbound[],
    unhandled: (afterId, limit) => all.all(afterId, limit) as PendingInbound[],
    orderState: (channel, channelMessageId) => {
      const row = one.get(channel, channelMessageId) as { id: number; channelUserId: string; handledAt: number | null } | undefined;
      if (!row) return 'unknown';
      if (row.handledAt !== null) return 'handled';
      return laterHandled.get(channel, row.channelUserId, row.id) ? 'later_handled' : 'pending';
    },
    pruneHandled: (before) => prune.run(before).changes,
  };
}
