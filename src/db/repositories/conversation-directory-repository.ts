import type { ConversationDirectoryRepository, DirectoryRow } from '../../domain/repositories/conversation-directory.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

/** Every conversation for staff, over SQLite. */
export function createConversationDirectoryRepository(db: Db): ConversationDirectoryRepository {
  const sql = statementCache(db);
  return {
    search(q) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (q.search?.trim()) {
        const like = `%${q.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const digits = q.search.replace(/\D/g, '');
        where.push(`(k.name LIKE ? ESCAPE '\\' OR k.external_id LIKE ? ESCAPE '\\' OR k.phone LIKE ? ESCAPE '\\' OR c.channel_user_id LIKE ? ESCAPE '\\'${digits.length >= 4 ? ` OR replace(replace(k.phone, '+', ''), ' ', '') LIKE ? OR c.channel_user_id LIKE ?` : ''})`);
        args.push(like, like, like, like);
        // "0812 3456" finds +62812…: compare the digits without the trunk 0 or country code.
        if (digits.length >= 4) args.push(`%${digits.replace(/^(0|62)/, '')}%`, `%${digits.replace(/^(0|62)/, '')}%`);
      }
      if (q.status === 'unlinked') where.push('c.case_id IS NULL');
      else if (q.status) {
        where.push('c.owner = ?');
        args.push(q.status);
      }
      if (q.channel) {
        where.push('c.channel = ?');
        args.push(q.channel);
      }
      if (q.areas) {
        where.push(q.areas.length ? `k.area IN (${q.areas.map(() => '?').join(', ')})` : 'c.case_id IS NULL');
        args.push(...q.areas);
      }
      args.push(Math.min(Math.max(q.limit ?? 200, 1), 1000));
      return sql(
        `SELECT c.id AS conversationId, c.channel, c.channel_user_id AS channelUserId, c.owner, c.closed_reason AS closedReason,
                u.name AS assigneeName, c.case_id AS caseId, k.external_id AS caseExternalId, k.name AS caseName, k.area AS caseArea,
                c.created_at AS createdAt, max(c.created_at, coalesce(c.last_inbound_at, 0), coalesce(c.last_outbound_at, 0)) AS lastActivityAt
         FROM conversations c LEFT JOIN cases k ON k.id = c.case_id LEFT JOIN users u ON u.id = c.assignee_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY lastActivityAt DESC, c.id DESC LIMIT ?`,
      ).all(...args) as DirectoryRow[];
    },
    linkCase(conversationId, caseId, now) {
      const linked = sql(`UPDATE conversations SET case_id = ?, revision = revision + 1, updated_at = ? WHERE id = ? AND case_id IS NULL`).run(caseId, now, conversationId).changes > 0;
      if (linked) sql(`UPDATE answers SET case_id = ? WHERE conversation_id = ? AND case_id IS NULL`).run(caseId, conversationId);
      return linked;
    },
  };
}
