import type { EscalationRecord, EscalationsRepository } from '../../domain/repositories/escalations.js';
import type { Db } from '../client.js';

/** Escalations over SQLite; statements prepared once. */
export function createEscalationsRepository(db: Db): EscalationsRepository {
  const c = db.$client;
  const active = c.prepare(
    `SELECT id, conversation_id AS conversationId, reason, detail, priority, status, assignee_id AS assigneeId, step_id AS stepId,
       outcome, waiting_since AS waitingSince, claimed_at AS claimedAt, resolved_at AS resolvedAt, created_at AS createdAt,
       updated_at AS updatedAt
     FROM escalations WHERE conversation_id = ? AND status IN ('open', 'pending') ORDER BY id DESC LIMIT 1`,
  );
  const insert = c.prepare(
    `INSERT INTO escalations (conversation_id, reason, detail, priority, status, assignee_id, claimed_at, step_id, waiting_since, created_at, updated_at)
     VALUES (@conversationId, @reason, @detail, @priority, @status, @assigneeId, @claimedAt, @stepId, @now, @now, @now) RETURNING id`,
  );
  const priority = c.prepare(`UPDATE escalations SET priority = ?, updated_at = ? WHERE id = ?`);
  return {
    active: (conversationId) => active.get(conversationId) as EscalationRecord | undefined,
    insert: (e) => (insert.get(e) as { id: number }).id,
    setPriority: (id, p, now) => {
      priority.run(p, now, id);
    },
  };
}
