/** The coordinators' contacts registry: listing, duplicates and merges (interface only; SQLite in src/db/repositories). */

/** An active contact as the registry lists it. `hasSymptoms` is SQLite's 0/1. */
export interface RegistryContactRow {
  id: number;
  name: string;
  phone: string | null;
  area: string | null;
  hasSymptoms: number | null;
  /** The case this contact later became (lowest case id linked to it). */
  becameCaseId: number | null;
}

/** One exposure of a registry contact, with its case. `hasSymptoms` is SQLite's 0/1. */
export interface RegistryExposureRow {
  exposureId: number;
  contactId: number;
  caseId: number;
  caseExternalId: string;
  caseName: string;
  setting: string | null;
  lastContactDate: string | null;
  hasSymptoms: number | null;
}

/** A contact as merging needs it. */
export interface MergeCandidate {
  id: number;
  phone: string | null;
  area: string | null;
  hasSymptoms: number | null;
  mergedIntoId: number | null;
}

/** One exposure as the API's contact list shows it, with the end of quarantine. */
export interface ContactListItem {
  contactId: number;
  name: string;
  phone: string | null;
  caseId: number;
  caseExternalId: string;
  setting: string | null;
  lastContactDate: string | null;
  hasSymptoms: number | null;
  quarantineUntil: string | null;
}

export interface ContactRegistryRepository {
  /** Active contacts matching a LIKE pattern on lower(name) or phone (null: all). */
  count(like: string | null): number;
  /** A page of them, newest first. */
  page(like: string | null, limit: number, offset: number): RegistryContactRow[];
  /** One active contact. */
  getActive(id: number): RegistryContactRow | undefined;
  /** What a contact was merged into: undefined when unknown, null when it is active. */
  mergedInto(id: number): number | null | undefined;
  /** The exposures of these contacts, by exposure id. */
  exposuresOf(contactIds: readonly number[]): RegistryExposureRow[];
  /** Every active contact, by id (for duplicate detection). */
  listActive(): { id: number; name: string; phone: string | null; area: string | null }[];
  forMerge(id: number): MergeCandidate | undefined;
  /** Mark `mergeId` as merged into `keepId`. */
  retire(mergeId: number, keepId: number, now: number): void;
  /** Move exposures from one contact to another; returns how many. */
  moveExposures(fromId: number, toId: number, now: number): number;
  /** Relink cases that came from one contact to another; returns how many. */
  relinkCases(fromId: number, toId: number, now: number): number;
  /** Fill the kept contact's empty phone, area and symptoms. */
  fillEmpty(keepId: number, from: Pick<MergeCandidate, 'phone' | 'area' | 'hasSymptoms'>, now: number): void;
  /** Exposures of active contacts with the end of quarantine (last contact + `quarantineDays`). */
  listExposures(limit: number, quarantineDays: number): ContactListItem[];
}
