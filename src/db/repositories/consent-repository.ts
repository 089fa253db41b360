import type { ConsentRecord, ConsentRepository } from '../../domain/repositories/consent.js';
import type { Db } from '../client.js';

const COLUMNS = `id, conversation_id AS conversationId, case_id AS caseId, flow_id AS flowId, flow_version AS flowVersion, step_id AS stepId,
  text_shown AS textShown, language, answer, answered_at AS answeredAt`;

/** Consent records over SQLite; statements are prepared once. */
export function createConsentRepository(db: Db): ConsentRepository {
  const sql = (s: string) => db.$client.prepare(s);
  const insert = sql(
    `INSERT INTO consent_records (conversation_id, case_id, flow_id, flow_version, step_id, text_shown, language, answer, answered_at, created_at)
     VALUES (@conversationId, @caseId, @flowId, @flowVersion, @stepId, @textShown, @language, @answer, @answeredAt, @answeredAt) RETURNING id`,
  );
  const shown = sql(`SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' AND step_id = ? ORDER BY id DESC LIMIT 1`);
  const byCase = sql(`SELECT ${COLUMNS} FROM consent_records WHERE case_id = ? ORDER BY answered_at, id`);
  return {
    record: (r) => (insert.get(r) as { id: number }).id,
    lastShown: (conversationId, stepId) => (shown.get(conversationId, stepId) as { text: string | null } | undefined)?.text ?? undefined,
    forCase: (caseId) => byCase.all(caseId) as ConsentRecord[],
    forgetDeclined(conversationId, keep) {
      const marks = keep.map(() => '?').join(', ');
      const answers = sql(`DELETE FROM answers WHERE conversation_id = ?${keep.length ? ` AND key NOT IN (${marks})` : ''}`).run(conversationId, ...keep).changes;
      const texts = sql(`UPDATE messages SET text = NULL, payload = NULL WHERE conversation_id = ? AND direction = 'in' AND (text IS NOT NULL OR payload IS NOT NULL)`).run(
        conversationId,
      ).changes;
      return { answers, texts };
    },
  };
}
