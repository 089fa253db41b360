import type { AccessRepository, PageView } from '../../domain/repositories/access.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

/** What access decisions read, over SQLite. */
export function createAccessRepository(db: Db): AccessRepository {
  const sql = statementCache(db);
  return {
    conversationFacts(conversationId, userId) {
      const row = sql(
        `SELECT k.area AS area,
           EXISTS (SELECT 1 FROM escalations e WHERE e.conversation_id = c.id AND e.status IN ('open', 'pending')) AS escalated,
           (c.assignee_id IS @userId OR EXISTS (SELECT 1 FROM escalations e WHERE e.conversation_id = c.id AND e.assignee_id = @userId)) AS assigned
         FROM conversations c LEFT JOIN cases k ON k.id = c.case_id WHERE c.id = @conversationId`,
      ).get({ conversationId, userId }) as { area: string | null; escalated: number; assigned: number } | undefined;
      return row && { area: row.area, escalated: row.escalated === 1, assignedToUser: row.assigned === 1 };
    },
    caseArea(caseId) {
      const row = sql(`SELECT area FROM cases WHERE id = ?`).get(caseId) as { area: string | null } | undefined;
      return row === undefined ? undefined : row.area;
    },
    caseViews(caseId, limit) {
      return sql(
        `SELECT a.at, a.actor_id AS actorId, u.email AS actorEmail, a.entity_type AS entityType, a.entity_id AS entityId
         FROM audit_log a LEFT JOIN users u ON a.actor_kind = 'user' AND u.id = a.actor_id
         WHERE a.action = 'view' AND (
           (a.entity_type = 'case' AND a.entity_id = @caseText)
           OR (a.entity_type = 'conversation' AND a.entity_id IN (SELECT CAST(id AS TEXT) FROM conversations WHERE case_id = @caseId)))
         ORDER BY a.id DESC LIMIT @limit`,
      ).all({ caseId, caseText: String(caseId), limit: Math.min(limit, 500) }) as PageView[];
    },
  };
}
