import type { MessagesRepository, OutboundMessageRecord } from '../../domain/repositories/messages.js';
import type { Db } from '../client.js';

/** The transcript over SQLite; statements prepared once. */
export function createMessagesRepository(db: Db): MessagesRepository {
  const c = db.$client;
  const dup = c.prepare(`SELECT 1 FROM messages WHERE channel = ? AND channel_message_id = ? AND direction = 'in'`);
  const insert = c.prepare(
    `INSERT INTO messages (conversation_id, direction, sender, author_id, kind, text, payload, channel, channel_message_id, step_id, status, sent_at, created_at)
     VALUES (@conversationId, @direction, @sender, @authorId, @kind, @text, @payload, @channel, @channelMessageId, @stepId, @status, @sentAt, @now) RETURNING id`,
  );
  const outbound = c.prepare(
    `SELECT m.id, m.conversation_id AS conversationId, m.text, m.payload, m.status, c.channel_user_id AS channelUserId
     FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?`,
  );
  const sent = c.prepare(`UPDATE messages SET status = 'sent', channel_message_id = ?, sent_at = ?, error = NULL WHERE id = ?`);
  const failed = c.prepare(`UPDATE messages SET status = 'failed', error = ? WHERE id = ? AND status <> 'sent'`);
  const earlier = c.prepare(
    `SELECT 1 FROM messages WHERE conversation_id = ? AND direction = 'out' AND status = 'queued' AND id < ? AND created_at > ? LIMIT 1`,
  );
  const sentText = c.prepare(`SELECT text FROM messages WHERE direction = 'out' AND channel = ? AND channel_message_id = ?`);
  return {
    inboundExists: (channel, id) => dup.get(channel, id) !== undefined,
    insert: (m) => (insert.get({ authorId: null, ...m }) as { id: number }).id,
    outbound: (id) => outbound.get(id) as OutboundMessageRecord | undefined,
    markSent: (id, channelMessageId, at) => {
      sent.run(channelMessageId, at, id);
    },
    markFailed: (id, error) => {
      failed.run(error, id);
    },
    hasEarlierQueued: (conversationId, beforeId, since) => earlier.get(conversationId, beforeId, since) !== undefined,
    sentText: (channel, id) => (sentText.get(channel, id) as { text: string | null } | undefined)?.text ?? undefined,
  };
}
