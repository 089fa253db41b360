import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/index.js';
import { StructuredRecords } from '../../../src/services/structured-records.js';
import { getContact, jaroWinkler, likelyDuplicates, listRegistry, mergeContacts, normaliseName } from '../../../src/services/coordinator/index.js';
import { nameAgreement } from '../../../src/services/coordinator/name-match.js';
import { duplicateWhy } from '../../../src/web/views/coordinator/duplicate-why.js';
import { count, insertCase, insertContact, insertExposure, insertUser } from './support.js';
import { tempDb } from '../../support/temp-db.js';

const NOW = Date.parse('2026-03-10T03:00:00Z');

describe('name matching', () => {
  it('folds accents, case, honorifics and word order', () => {
    expect(normaliseName('Bu Siti  Rahmawati')).toBe('rahmawati siti');
    expect(normaliseName('RAHMAWATI, Sití')).toBe('rahmawati siti');
    expect(normaliseName('H. Ahmad Fauzi')).toBe('ahmad fauzi');
  });

  it('scores near spellings high and different names low', () => {
    expect(jaroWinkler('rahmawati siti', 'rahmawaty siti')).toBeGreaterThan(0.92);
    expect(jaroWinkler('budi santoso', 'joko widodo')).toBeLessThan(0.7);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
  });
});

describe('contacts registry', () => {
  it('two cases naming the same phone give one contact with two exposures, and a quarantine end from the latest contact', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const c1 = insertCase(db, { externalId: 'A', name: 'Ani', confirmedAt: NOW });
    const c2 = insertCase(db, { externalId: 'B', name: 'Budi', confirmedAt: NOW });
    const records = new StructuredRecords(repos);
    const item = (caseId: number, index: number, name: string, last: string) => ({
      conversationId: 0,
      caseId,
      step: 'contacts',
      key: 'contacts',
      index,
      item: { name, phone: '+6281234567890', setting: 'workplace', last_contact: last, symptoms: false },
    });
    const conv = (id: number) =>
      db.$client.prepare(`INSERT INTO conversations (channel, channel_user_id, case_id, flow_id, flow_version, state) VALUES ('fake', ?, ?, 'f', 1, '{}') RETURNING id`).get(`u${id}`, id) as { id: number };
    const a = conv(c1).id;
    const b = conv(c2).id;
    records.apply('contact.elicited', { ...item(c1, 0, 'Dewi Lestari', '2026-03-05'), conversationId: a }, NOW);
    records.apply('contact.elicited', { ...item(c2, 0, 'Dewi L.', '2026-03-07'), conversationId: b }, NOW);
    const { total, contacts } = listRegistry(repos, { quarantineDays: 14 });
    expect(total).toBe(1);
    expect(contacts[0]).toMatchObject({ name: 'Dewi Lestari', phone: '+6281234567890', lastContactDate: '2026-03-07', quarantineUntil: '2026-03-21', becameCaseId: null });
    expect(contacts[0]!.exposures.map((e) => [e.caseExternalId, e.lastContactDate, e.setting])).toEqual([
      ['A', '2026-03-05', 'workplace'],
      ['B', '2026-03-07', 'workplace'],
    ]);
    expect(listRegistry(repos, { quarantineDays: 14, search: '0812' }).total).toBe(0);
    expect(listRegistry(repos, { quarantineDays: 14, search: 'dewi' }).total).toBe(1);
    expect(listRegistry(repos, { quarantineDays: 14, search: '+62812' }).total).toBe(1);
  });

  it('offers likely duplicates by name and area or a missing phone, and never merges them itself', () => {
    const { db } = tempDb();
    const siti1 = insertContact(db, { name: 'Siti Rahmawati', phone: '+6281111111111', area: 'Tebet' });
    const siti2 = insertContact(db, { name: 'Bu Siti Rahmawaty', phone: '+6281222222222', area: 'tebet' });
    const joko1 = insertContact(db, { name: 'Joko Susilo', phone: '+6281333333333', area: 'Cakung' });
    const joko2 = insertContact(db, { name: 'Susilo Joko' });
    // Same name, different phones, different areas: two people.
    insertContact(db, { name: 'Agus Salim', phone: '+6281444444444', area: 'Gambir' });
    insertContact(db, { name: 'Agus Salim', phone: '+6281555555555', area: 'Koja' });
    const pairs = likelyDuplicates(createRepositories(db));
    expect(pairs.map((p) => [p.a.id, p.b.id, p.why])).toEqual([
      [joko1, joko2, 'phone_missing'],
      [siti1, siti2, 'same_area'],
    ]);
    expect(pairs[0]!.similarity).toBe(1);
    expect(count(db, 'contacts')).toBe(6);
    expect(db.$client.prepare(`SELECT count(*) AS n FROM contacts WHERE merged_into_id IS NOT NULL`).get()).toEqual({ n: 0 });
  });

  it('does not pair different people whose names look alike as strings, and says why a pair is offered', () => {
    const { db } = tempDb();
    // 95 % alike as strings, same area, different phones: Dedi and Dewi are two people.
    insertContact(db, { name: 'Dedi Halim', phone: '+6281666666666', area: 'Tebet' });
    insertContact(db, { name: 'Dewi Halim', phone: '+6281777777777', area: 'Tebet' });
    // Old spelling and a doubled letter, different phones, same area: one person with two numbers.
    const a = insertContact(db, { name: 'Muhammad Djoko', phone: '+6281888888888', area: 'Koja' });
    const b = insertContact(db, { name: 'Muhamad Joko', phone: '+6281999999999', area: 'Koja' });
    const pairs = likelyDuplicates(createRepositories(db));
    expect(pairs.map((p) => [p.a.id, p.b.id, p.names.kind])).toEqual([[a, b, 'spelling']]);
    expect(jaroWinkler(normaliseName('Dedi Halim'), normaliseName('Dewi Halim'))).toBeGreaterThan(0.92);
    expect(nameAgreement(normaliseName('Dedi Halim'), normaliseName('Dewi Halim'))).toEqual({ kind: 'different', differing: [['dedi', 'dewi']] });
    expect(nameAgreement(normaliseName('Dewi L.'), normaliseName('Dewi Lestari')).kind).toBe('initial');
    expect(duplicateWhy('en', pairs[0]!)).toBe(`${Math.round(pairs[0]!.similarity * 100)}% · same name, spelled differently · same area · different phones`);
    expect(duplicateWhy('id', pairs[0]!)).toContain('nama sama, ejaan berbeda');
  });

  it('merges on request: exposures and case links move, the phone is kept, and the merge is audited', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const coordinator = insertUser(db, { name: 'Citra', role: 'coordinator' });
    const keep = insertContact(db, { name: 'Susilo Joko' });
    const merge = insertContact(db, { name: 'Joko Susilo', phone: '+6281333333333', area: 'Cakung' });
    const c1 = insertCase(db, { externalId: 'A', confirmedAt: NOW });
    const c2 = insertCase(db, { externalId: 'B', confirmedAt: NOW });
    insertExposure(db, { caseId: c1, contactId: keep, lastContactDate: '2026-03-01' });
    insertExposure(db, { caseId: c2, contactId: merge, lastContactDate: '2026-03-04' });
    const became = insertCase(db, { externalId: 'C', phone: '+6281333333333', confirmedAt: NOW, sourceContactId: merge });

    expect(mergeContacts(repos, keep, keep, coordinator, NOW)).toEqual({ ok: false, error: 'same_contact' });
    expect(mergeContacts(repos, keep, 999, coordinator, NOW)).toEqual({ ok: false, error: 'not_found' });
    expect(mergeContacts(repos, keep, merge, coordinator, NOW)).toEqual({ ok: true, keepId: keep, mergedId: merge, movedExposures: 1, relinkedCases: 1 });
    expect(mergeContacts(repos, keep, merge, coordinator, NOW)).toEqual({ ok: false, error: 'already_merged' });

    const kept = getContact(repos, keep, 14)!;
    expect(kept).toMatchObject({ phone: '+6281333333333', area: 'Cakung', lastContactDate: '2026-03-04', quarantineUntil: '2026-03-18', becameCaseId: became });
    expect(kept.exposures).toHaveLength(2);
    expect(getContact(repos, merge, 14)).toBeUndefined();
    expect(listRegistry(repos, { quarantineDays: 14 }).total).toBe(1);
    const row = db.$client.prepare(`SELECT actor_kind AS kind, actor_id AS actorId, action, entity_id AS entityId, details FROM audit_log`).get() as Record<string, unknown>;
    expect(row).toMatchObject({ kind: 'user', actorId: coordinator, action: 'contact.merge', entityId: String(keep) });
    expect(JSON.parse(row.details as string)).toMatchObject({ mergedId: merge, movedExposures: 1, filled: ['phone', 'area'] });
  });
});
