import type { AnswersRepository } from '../../domain/repositories/answers.js';
import type { Db } from '../client.js';

/** Answers over SQLite; the statement is prepared once. */
export function createAnswersRepository(db: Db): AnswersRepository {
  const upsert = db.$client.prepare(
    `INSERT INTO answers (conversation_id, case_id, key, value, raw, step_id, created_at, updated_at)
     VALUES (@conversationId, @caseId, @key, @value, @raw, @stepId, @now, @now)
     ON CONFLICT (conversation_id, key) DO UPDATE SET value = excluded.value, raw = excluded.raw, step_id = excluded.step_id, updated_at = excluded.updated_at`,
  );
  return {
    upsert: (a) => {
      upsert.run(a);
    },
  };
}
