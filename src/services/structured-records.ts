import { z } from 'zod';
import type { Repositories } from '../domain/repositories/index.js';

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

/** The repositories the structured registry writes. */
export type StructuredRecordStores = Pick<Repositories, 'transactions' | 'contacts'>;

/**
 * Turns collected items into the structured registry: a named contact becomes (or joins, by normalised phone) a contact
 * record plus an exposure linking it to the case. Keyed by the event's source, so processing an event twice is a no-op.
 */
export class StructuredRecords {
  constructor(private readonly stores: StructuredRecordStores) {}

  /** Apply one domain event; returns what it created (for tests and logs). */
  apply(event: string, data: unknown, now: number): { contactId?: number; exposureCreated?: boolean } {
    if (event === 'contact.elicited') return this.contact(data, now);
    if (event === 'place.visited') {
      const e = ItemEvent.parse(data);
      const p = PlaceItem.parse(e.item);
      if (e.caseId !== null && p.name) {
        this.stores.contacts.insertPlace({ caseId: e.caseId, name: p.name, date: p.date ?? null, sourceKey: `${e.conversationId}:${e.key}:${e.index}`, now });
      }
    }
    return {};
  }

  private contact(data: unknown, now: number): { contactId?: number; exposureCreated?: boolean } {
    const e = ItemEvent.parse(data);
    const item = ContactItem.parse(e.item);
    // Without a case there is nobody to link the exposure to (an unverified chat): the tracer sees the answers instead.
    if (e.caseId === null || !item.name) return {};
    const caseId = e.caseId;
    const name = item.name;
    const sourceKey = `${e.conversationId}:${e.key}:${e.index}`;
    const { contacts } = this.stores;
    return this.stores.transactions.transaction(() => {
      if (contacts.exposureExists(sourceKey)) return { exposureCreated: false };
      const phone = item.phone ?? null;
      const symptoms = item.symptoms ?? null;
      let contactId = phone ? contacts.contactIdByPhone(phone) : undefined;
      if (contactId === undefined) contactId = contacts.insertContact({ name: name.trim(), phone, area: item.area ?? null, hasSymptoms: symptoms, now });
      contacts.insertExposure({
        caseId,
        contactId,
        conversationId: e.conversationId,
        setting: item.setting ?? null,
        lastContactDate: item.last_contact ?? null,
        hasSymptoms: symptoms,
        notes: item.notes ?? null,
        sourceKey,
        now,
      });
      return { contactId, exposureCreated: true };
    });
  }
}
