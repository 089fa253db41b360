import type { MessagesRepository, OutboundMessageRecord, ReceiptTargetRecord } from '../../domain/repositories/messages.js';
import type { Db } from '../client.js';

/** The transcript over SQLite; statements prepared once. */
export function createMessagesRepository(db: Db): MessagesRepository {
  const c = db.$client;
  const dup = c.prepare(`SELECT 1 FROM messages WHERE channel = ? AND channel_message_id = ? AND direction = 'in'`);
  const insert = c.prepare(
    `INSERT INTO messages (conversation_id, direction, sender, author_id, kind, text, payload, channel, channel_message_id, step_id, status, sent_at, created_at)
     VALUES (@conversationId, @direction, @sender, @authorId, @kind, @text, @payload, @channel, @channelMessageId, @stepId, @status, @sentAt, @now) RETURNING id`,
  );
  // Ids travel as one JSON array / object: one prepared statement whatever the number of lines.
  const outbound = c.prepare(
    `SELECT m.id, m.conversation_id AS conversationId, m.text, m.payload, m.status, c.channel_user_id AS channelUserId
     FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id IN (SELECT value FROM json_each(?)) ORDER BY m.id`,
  );
  const sent = c.prepare(`UPDATE messages SET status = 'sent', channel_message_id = ?, sent_at = ?, error = NULL WHERE id = ?`);
  const failed = c.prepare(`UPDATE messages SET status = 'failed', error = ? WHERE id = ? AND status NOT IN ('sent', 'delivered', 'read')`);
  const earlier = c.prepare(
    `SELECT 1 FROM messages WHERE conversation_id = ? AND direction = 'out' AND status = 'queued' AND id < ? AND created_at > ? LIMIT 1`,
  );
  const sentText = c.prepare(`SELECT text FROM messages WHERE direction = 'out' AND channel = ? AND channel_message_id = ?`);
  const target = `SELECT id, conversation_id AS conversationId, status, channel_message_id AS channelMessageId FROM messages`;
  const byId = c.prepare(`${target} WHERE id = ? AND channel = ? AND direction = 'out'`);
  const byPlatformId = c.prepare(`${target} WHERE channel = ? AND channel_message_id = ? AND direction = 'out'`);
  const rebind = c.prepare(`UPDATE messages SET channel_message_id = ?, sent_at = COALESCE(sent_at, ?) WHERE id = ?`);
  const advance = c.prepare(`UPDATE messages SET status = ? WHERE id = ? AND status IN ('sent', 'delivered', 'read')`);
  const receiptFailed = c.prepare(`UPDATE messages SET status = 'failed', error = ? WHERE id = ?`);
  return {
    inboundExists: (channel, id) => dup.get(channel, id) !== undefined,
    insert: (m) => (insert.get({ authorId: null, ...m }) as { id: number }).id,
    outboundMany: (ids) => (ids.length ? (outbound.all(JSON.stringify(ids)) as OutboundMessageRecord[]) : []),
    markSent: (id, channelMessageId, at) => {
      sent.run(channelMessageId, at, id);
    },
    markFailed: (id, error) => {
      failed.run(error, id);
    },
    outboundOn: (channel, id) => byId.get(id, channel) as ReceiptTargetRecord | undefined,
    outboundByPlatformId: (channel, id) => byPlatformId.get(channel, id) as ReceiptTargetRecord | undefined,
    rebindPlatformId: (id, channelMessageId, at) => {
      rebind.run(channelMessageId, at, id);
    },
    advanceStatus: (id, status) => {
      advance.run(status, id);
    },
    markReceiptFailed: (id, error) => {
      receiptFailed.run(error, id);
    },
    hasEarlierQueued: (conversationId, beforeId, since) => earlier.get(conversationId, beforeId, since) !== undefined,
    sentText: (channel, id) => (sentText.get(channel, id) as { text: string | null } | undefined)?.text ?? undefined,
  };
}
