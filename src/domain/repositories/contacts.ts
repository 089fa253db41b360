/** A close contact named in an interview. */
export interface NewContact {
  name: string;
  phone: string | null;
  area: string | null;
  hasSymptoms: boolean | null;
  now: number;
}

/** A case's exposure of a contact. */
export interface NewExposure {
  caseId: number;
  contactId: number;
  conversationId: number | null;
  setting: string | null;
  lastContactDate: string | null;
  hasSymptoms: boolean | null;
  notes: string | null;
  /** The event that produced it: re-processing is a no-op. */
  sourceKey: string;
  now: number;
}

/** The structured registry the interviews feed: contacts, exposures, places visited. */
export interface ContactsRepository {
  /** The unmerged contact with this phone. */
  contactIdByPhone(phone: string): number | undefined;
  insertContact(c: NewContact): number;
  exposureExists(sourceKey: string): boolean;
  insertExposure(e: NewExposure): void;
  /** Ignored when the same source key was recorded already. */
  insertPlace(p: { caseId: number; name: string; date: string | null; sourceKey: string; now: number }): void;
}
