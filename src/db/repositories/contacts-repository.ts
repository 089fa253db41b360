import type { ContactsRepository } from '../../domain/repositories/contacts.js';
import type { Db } from '../client.js';

const bit = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);

/** Contacts, exposures and places over SQLite; statements prepared once. */
export function createContactsRepository(db: Db): ContactsRepository {
  const c = db.$client;
  const byPhone = c.prepare(`SELECT id FROM contacts WHERE phone = ? AND merged_into_id IS NULL`);
  const insertContact = c.prepare(
    `INSERT INTO contacts (name, phone, area, has_symptoms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const exposureBySource = c.prepare(`SELECT 1 FROM exposures WHERE source_key = ?`);
  const insertExposure = c.prepare(
    `INSERT INTO exposures (case_id, contact_id, conversation_id, setting, last_contact_date, has_symptoms, notes, source_key, created_at, updated_at)
     VALUES (@caseId, @contactId, @conversationId, @setting, @lastContactDate, @hasSymptoms, @notes, @sourceKey, @now, @now)`,
  );
  const insertPlace = c.prepare(
    `INSERT INTO places_visited (case_id, name, date, source_key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
  );
  return {
    contactIdByPhone: (phone) => (byPhone.get(phone) as { id: number } | undefined)?.id,
    insertContact: (n) => (insertContact.get(n.name, n.phone, n.area, bit(n.hasSymptoms), n.now, n.now) as { id: number }).id,
    exposureExists: (key) => exposureBySource.get(key) !== undefined,
    insertExposure: (e) => {
      insertExposure.run({ ...e, hasSymptoms: bit(e.hasSymptoms) });
    },
    insertPlace: (p) => {
      insertPlace.run(p.caseId, p.name, p.date, p.sourceKey, p.now);
    },
  };
}
