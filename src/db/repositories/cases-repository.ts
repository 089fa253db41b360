import type { CaseRecord, CasesRepository } from '../../domain/repositories/cases.js';
import type { Db } from '../client.js';

const COLUMNS = `id, external_id AS externalId, name, phone, date_of_birth AS dateOfBirth, language, area, test_date AS testDate,
  confirmed_at AS confirmedAt, status, start_code_hash AS startCodeHash, start_code_expires_at AS startCodeExpiresAt,
  start_code_used_at AS startCodeUsedAt, source_contact_id AS sourceContactId, interview_completed_at AS interviewCompletedAt,
  first_reached_at AS firstReachedAt, created_at AS createdAt, updated_at AS updatedAt`;

/** Cases over SQLite; statements prepared once. */
export function createCasesRepository(db: Db): CasesRepository {
  const c = db.$client;
  // --- core: the message pipeline's lookups and updates ---
  const byId = c.prepare(`SELECT ${COLUMNS} FROM cases WHERE id = ?`);
  const byCode = c.prepare(`SELECT ${COLUMNS} FROM cases WHERE start_code_hash = ?`);
  const byPhone = c.prepare(
    `SELECT ${COLUMNS} FROM cases WHERE phone = ? AND status IN ('new', 'contacting', 'interviewing', 'needs_call') ORDER BY confirmed_at DESC LIMIT 1`,
  );
  const byIdentity = c.prepare(
    `SELECT id FROM cases WHERE lower(external_id) = lower(?) AND date_of_birth = ? AND status <> 'opted_out' ORDER BY id DESC LIMIT 1`,
  );
  const useCode = c.prepare(`UPDATE cases SET start_code_used_at = ?, updated_at = ? WHERE id = ? AND start_code_used_at IS NULL`);
  const reached = c.prepare(
    `UPDATE cases SET first_reached_at = COALESCE(first_reached_at, @now),
       status = CASE WHEN status IN ('new', 'contacting', 'needs_call') THEN 'interviewing' ELSE status END, updated_at = @now WHERE id = @id`,
  );
  const completed = c.prepare(
    `UPDATE cases SET status = 'completed', interview_completed_at = COALESCE(interview_completed_at, @now), updated_at = @now WHERE id = @id`,
  );
  const status = c.prepare(`UPDATE cases SET status = @status, updated_at = @now WHERE id = @id`);
  const unreachable = c.prepare(`UPDATE cases SET status = 'unreachable', updated_at = ? WHERE id = ? AND status NOT IN ('completed', 'opted_out')`);
  const needsCall = c.prepare(`UPDATE cases SET status = 'needs_call', updated_at = ? WHERE id = ? AND status IN ('new', 'contacting')`);
  return {
    byId: (id) => byId.get(id) as CaseRecord | undefined,
    byStartCodeHash: (hash) => byCode.get(hash) as CaseRecord | undefined,
    activeByPhone: (phone) => byPhone.get(phone) as CaseRecord | undefined,
    idByIdentity: (externalId, dob) => (byIdentity.get(externalId, dob) as { id: number } | undefined)?.id,
    useStartCode: (id, now) => useCode.run(now, now, id).changes === 1,
    markReached: (id, now) => {
      reached.run({ id, now });
    },
    markCompleted: (id, now) => {
      completed.run({ id, now });
    },
    setStatus: (id, s, now) => {
      status.run({ id, status: s, now });
    },
    markUnreachable: (id, now) => {
      unreachable.run(now, id);
    },
    markNeedsCall: (id, now) => {
      needsCall.run(now, id);
    },
  };
}
