import type { ContactListItem, ContactRegistryRepository, MergeCandidate, RegistryContactRow, RegistryExposureRow } from '../../domain/repositories/contact-registry.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

const WHERE = `ct.merged_into_id IS NULL AND (? IS NULL OR lower(ct.name) LIKE ? ESCAPE '\\' OR ct.phone LIKE ? ESCAPE '\\')`;

/** The contacts registry over SQLite. */
export function createContactRegistryRepository(db: Db): ContactRegistryRepository {
  const sql = statementCache(db);
  return {
    count: (like) => (sql(`SELECT count(*) AS n FROM contacts ct WHERE ${WHERE}`).get(like, like, like) as { n: number }).n,
    page: (like, limit, offset) =>
      sql(
        `SELECT ct.id, ct.name, ct.phone, ct.area, ct.has_symptoms AS hasSymptoms,
              (SELECT min(cs.id) FROM cases cs WHERE cs.source_contact_id = ct.id) AS becameCaseId
       FROM contacts ct WHERE ${WHERE} ORDER BY ct.id DESC LIMIT ? OFFSET ?`,
      ).all(like, like, like, limit, offset) as RegistryContactRow[],
    getActive: (id) =>
      sql(
        `SELECT id, name, phone, area, has_symptoms AS hasSymptoms, (SELECT min(cs.id) FROM cases cs WHERE cs.source_contact_id = contacts.id) AS becameCaseId
       FROM contacts WHERE id = ? AND merged_into_id IS NULL`,
      ).get(id) as RegistryContactRow | undefined,
    mergedInto: (id) => (sql(`SELECT merged_into_id AS mergedInto FROM contacts WHERE id = ?`).get(id) as { mergedInto: number | null } | undefined)?.mergedInto,
    exposuresOf: (contactIds) =>
      contactIds.length
        ? (sql(
            `SELECT e.id AS exposureId, e.contact_id AS contactId, e.case_id AS caseId, cs.external_id AS caseExternalId, cs.name AS caseName,
              e.setting, e.last_contact_date AS lastContactDate, e.has_symptoms AS hasSymptoms
       FROM exposures e JOIN cases cs ON cs.id = e.case_id
       WHERE e.contact_id IN (SELECT value FROM json_each(?)) ORDER BY e.id`,
          ).all(JSON.stringify(contactIds)) as RegistryExposureRow[])
        : [],
    listActive: () =>
      sql(`SELECT id, name, phone, area FROM contacts WHERE merged_into_id IS NULL ORDER BY id`).all() as ReturnType<ContactRegistryRepository['listActive']>,
    forMerge: (id) =>
      sql(`SELECT id, phone, area, has_symptoms AS hasSymptoms, merged_into_id AS mergedIntoId FROM contacts WHERE id = ?`).get(id) as MergeCandidate | undefined,
    retire: (mergeId, keepId, now) => void sql(`UPDATE contacts SET merged_into_id = ?, updated_at = ? WHERE id = ?`).run(keepId, now, mergeId),
    moveExposures: (fromId, toId, now) => sql(`UPDATE exposures SET contact_id = ?, updated_at = ? WHERE contact_id = ?`).run(toId, now, fromId).changes,
    relinkCases: (fromId, toId, now) => sql(`UPDATE cases SET source_contact_id = ?, updated_at = ? WHERE source_contact_id = ?`).run(toId, now, fromId).changes,
    fillEmpty: (keepId, from, now) =>
      void sql(
        `UPDATE contacts SET phone = COALESCE(phone, ?), area = COALESCE(area, ?), has_symptoms = COALESCE(has_symptoms, ?), updated_at = ? WHERE id = ?`,
      ).run(from.phone, from.area, from.hasSymptoms, now, keepId),
    listExposures: (limit, quarantineDays) =>
      sql(
        `SELECT ct.id AS contactId, ct.name, ct.phone, e.case_id AS caseId, cs.external_id AS caseExternalId, e.setting,
              e.last_contact_date AS lastContactDate, e.has_symptoms AS hasSymptoms,
              CASE WHEN e.last_contact_date IS NULL THEN NULL ELSE date(e.last_contact_date, '+' || ? || ' days') END AS quarantineUntil
       FROM contacts ct JOIN exposures e ON e.contact_id = ct.id JOIN cases cs ON cs.id = e.case_id
       WHERE ct.merged_into_id IS NULL ORDER BY ct.id, e.id LIMIT ?`,
      ).all(quarantineDays, limit) as ContactListItem[],
  };
}
