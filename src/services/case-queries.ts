import type { Db } from '../db/index.js';

/** A case id from a numeric id or an external case id. */
export function findCaseId(db: Db, ref: string): number | undefined {
  const row = (/^\d+$/.test(ref)
    ? db.$client.prepare(`SELECT id FROM cases WHERE id = ? OR external_id = ? ORDER BY (id = ?) DESC LIMIT 1`).get(Number(ref), ref, Number(ref))
    : db.$client.prepare(`SELECT id FROM cases WHERE external_id = ?`).get(ref)) as { id: number } | undefined;
  return row?.id;
}

/** One case as the API and the case page show it. */
export interface CaseRecord {
  id: number;
  externalId: string;
  name: string;
  phone: string | null;
  dateOfBirth: string | null;
  language: 'id' | 'en';
  area: string | null;
  testDate: string | null;
  confirmedAt: number;
  status: string;
  firstReachedAt: number | null;
  interviewCompletedAt: number | null;
  sourceContactId: number | null;
}

/** A case with status, answers, contacts (exposures) and the transcript of its conversations. */
export function caseDetail(db: Db, id: number) {
  const c = db.$client
    .prepare(
      `SELECT id, external_id AS externalId, name, phone, date_of_birth AS dateOfBirth, language, area, test_date AS testDate,
              confirmed_at AS confirmedAt, status, first_reached_at AS firstReachedAt, interview_completed_at AS interviewCompletedAt,
              source_contact_id AS sourceContactId
       FROM cases WHERE id = ?`,
    )
    .get(id) as CaseRecord | undefined;
  if (!c) return undefined;
  const conversations = db.$client
    .prepare(`SELECT id, channel, flow_id AS flowId, flow_version AS flowVersion, step_id AS stepId, owner, closed_reason AS closedReason, created_at AS createdAt FROM conversations WHERE case_id = ? ORDER BY id`)
    .all(id) as { id: number }[];
  const answers = Object.fromEntries(
    (db.$client.prepare(`SELECT key, value FROM answers WHERE case_id = ? ORDER BY id`).all(id) as { key: string; value: string }[]).map((a) => [a.key, JSON.parse(a.value) as unknown]),
  );
  const contacts = db.$client
    .prepare(
      `SELECT ct.id AS contactId, ct.name, ct.phone, e.setting, e.last_contact_date AS lastContactDate, e.has_symptoms AS hasSymptoms
       FROM exposures e JOIN contacts ct ON ct.id = e.contact_id WHERE e.case_id = ? ORDER BY e.id`,
    )
    .all(id);
  const transcript = conversations.length
    ? db.$client
        .prepare(
          `SELECT id, conversation_id AS conversationId, direction, sender, kind, text, status, created_at AS createdAt FROM messages
           WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
        )
        .all(JSON.stringify(conversations.map((x) => x.id)))
    : [];
  return { ...c, conversations, answers, contacts, transcript };
}

/** Contacts with each exposure (one row per exposure), and the end of quarantine (last contact + 14 days). */
export function listContacts(db: Db, limit: number, quarantineDays = 14) {
  return db.$client
    .prepare(
      `SELECT ct.id AS contactId, ct.name, ct.phone, e.case_id AS caseId, cs.external_id AS caseExternalId, e.setting,
              e.last_contact_date AS lastContactDate, e.has_symptoms AS hasSymptoms,
              CASE WHEN e.last_contact_date IS NULL THEN NULL ELSE date(e.last_contact_date, '+' || ? || ' days') END AS quarantineUntil
       FROM contacts ct JOIN exposures e ON e.contact_id = ct.id JOIN cases cs ON cs.id = e.case_id
       WHERE ct.merged_into_id IS NULL ORDER BY ct.id, e.id LIMIT ?`,
    )
    .all(quarantineDays, limit) as {
    contactId: number;
    name: string;
    phone: string | null;
    caseId: number;
    caseExternalId: string;
    setting: string | null;
    lastContactDate: string | null;
    hasSymptoms: number | null;
    quarantineUntil: string | null;
  }[];
}

/** Escalations, urgent/high first then oldest waiting. */
export function listEscalations(db: Db, status: 'open' | 'pending' | 'resolved' | undefined, limit: number) {
  return db.$client
    .prepare(
      `SELECT e.id, e.conversation_id AS conversationId, c.case_id AS caseId, c.channel, e.reason, e.priority, e.status, e.assignee_id AS assigneeId,
              e.waiting_since AS waitingSince, e.claimed_at AS claimedAt, e.resolved_at AS resolvedAt, e.outcome
       FROM escalations e JOIN conversations c ON c.id = e.conversation_id
       WHERE (? IS NULL OR e.status = ?)
       ORDER BY CASE e.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END, e.waiting_since LIMIT ?`,
    )
    .all(status ?? null, status ?? null, limit);
}
