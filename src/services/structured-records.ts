import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { tx, type Db } from '../db/index.js';

const ContactItem = z
  .object({
    name: z.string().nullish(),
    phone: z.string().nullish(),
    setting: z.string().nullish(),
    last_contact: z.string().nullish(),
    symptoms: z.boolean().nullish(),
    area: z.string().nullish(),
    notes: z.string().nullish(),
  })
  .passthrough();
const ItemEvent = z.object({
  conversationId: z.number().int(),
  caseId: z.number().int().nullable(),
  step: z.string(),
  key: z.string(),
  index: z.number().int(),
  item: z.record(z.string(), z.unknown()),
});
const PlaceItem = z.object({ name: z.string().nullish(), date: z.string().nullish() }).passthrough();

/**
 * Turns collected items into the structured registry: a named contact becomes (or joins, by normalised phone) a contact
 * record plus an exposure linking it to the case. Keyed by the event's source, so processing an event twice is a no-op.
 */
export class StructuredRecords {
  private readonly st: Record<string, Statement>;

  constructor(private readonly db: Db) {
    const c = db.$client;
    this.st = {
      contactByPhone: c.prepare(`SELECT id FROM contacts WHERE phone = ? AND merged_into_id IS NULL`),
      insertContact: c.prepare(`INSERT INTO contacts (name, phone, area, has_symptoms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
      exposureBySource: c.prepare(`SELECT id FROM exposures WHERE source_key = ?`),
      insertExposure: c.prepare(
        `INSERT INTO exposures (case_id, contact_id, conversation_id, setting, last_contact_date, has_symptoms, notes, source_key, created_at, updated_at)
         VALUES (@caseId, @contactId, @conversationId, @setting, @lastContact, @symptoms, @notes, @sourceKey, @now, @now)`,
      ),
      insertPlace: c.prepare(
        `INSERT INTO places_visited (case_id, name, date, source_key, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_key) DO NOTHING`,
      ),
    };
  }

  /** Apply one domain event; returns what it created (for tests and logs). */
  apply(event: string, data: unknown, now: number): { contactId?: number; exposureCreated?: boolean } {
    if (event === 'contact.elicited') return this.contact(data, now);
    if (event === 'place.visited') {
      const e = ItemEvent.parse(data);
      const p = PlaceItem.parse(e.item);
      if (e.caseId !== null && p.name) this.st.insertPlace!.run(e.caseId, p.name, p.date ?? null, `${e.conversationId}:${e.key}:${e.index}`, now);
    }
    return {};
  }

  private contact(data: unknown, now: number): { contactId?: number; exposureCreated?: boolean } {
    const e = ItemEvent.parse(data);
    const item = ContactItem.parse(e.item);
    // Without a case there is nobody to link the exposure to (an unverified chat): the tracer sees the answers instead.
    if (e.caseId === null || !item.name) return {};
    const sourceKey = `${e.conversationId}:${e.key}:${e.index}`;
    return tx(this.db, () => {
      if (this.st.exposureBySource!.get(sourceKey)) return { exposureCreated: false };
      const phone = item.phone ?? null;
      let contactId = phone ? (this.st.contactByPhone!.get(phone) as { id: number } | undefined)?.id : undefined;
      if (contactId === undefined) {
        const symptoms = item.symptoms === undefined || item.symptoms === null ? null : item.symptoms ? 1 : 0;
        contactId = (this.st.insertContact!.get(item.name!.trim(), phone, item.area ?? null, symptoms, now, now) as { id: number }).id;
      }
      this.st.insertExposure!.run({
        caseId: e.caseId,
        contactId,
        conversationId: e.conversationId,
        setting: item.setting ?? null,
        lastContact: item.last_contact ?? null,
        symptoms: item.symptoms === undefined || item.symptoms === null ? null : item.symptoms ? 1 : 0,
        notes: item.notes ?? null,
        sourceKey,
        now,
      });
      return { contactId, exposureCreated: true };
    });
  }
}
