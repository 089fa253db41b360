import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/index.js';
import { createCases } from '../../../src/services/cases.js';
import { EXCEL_ID_CSV } from '../../../src/services/csv.js';
import { parseCsv, chainGraph, exportCasesCsv, exportContactsCsv, exportExposuresCsv, CASE_COLUMNS, CONTACT_COLUMNS, EXPOSURE_COLUMNS } from '../../../src/services/coordinator/index.js';
import { insertCase, insertContact, insertExposure } from './support.js';
import { tempDb } from '../../support/temp-db.js';

const NOW = Date.parse('2026-03-10T03:00:00Z');

function chainFixture() {
  const { db } = tempDb();
  // A names Dewi and Eko; Dewi is later confirmed as case B (linked by phone at creation); B names Fajar.
  // C names Gita: a separate component with no chain.
  const a = insertCase(db, { externalId: 'A', name: 'Ani', confirmedAt: NOW - 5 * 86_400_000 });
  const dewi = insertContact(db, { name: 'Dewi', phone: '+6281234567890' });
  const eko = insertContact(db, { name: 'Eko' });
  insertExposure(db, { caseId: a, contactId: dewi, setting: 'household', lastContactDate: '2026-03-04' });
  insertExposure(db, { caseId: a, contactId: eko, setting: 'workplace' });
  const [b] = createCases(
    createRepositories(db),
    [{ externalId: 'B', name: 'Dewi', phone: '+6281234567890', dateOfBirth: null, testDate: null, confirmedAt: NOW, language: 'id', area: null }],
    { now: NOW, startCodeTtlMs: 1000 },
  );
  const fajar = insertContact(db, { name: 'Fajar' });
  insertExposure(db, { caseId: b!.id, contactId: fajar });
  const c = insertCase(db, { externalId: 'C', name: 'Citra', confirmedAt: NOW });
  insertExposure(db, { caseId: c, contactId: insertContact(db, { name: 'Gita' }) });
  return { db, a, b: b!.id, c, dewi, eko, fajar };
}

describe('transmission chains', () => {
  it("links a contact who became a case, and returns a case's whole component", () => {
    const { db, a, b, dewi, eko, fajar } = chainFixture();
    const g = chainGraph(createRepositories(db), { caseId: b });
    expect(g.nodes.map((n) => n.id).sort()).toEqual([`case:${a}`, `case:${b}`, `contact:${dewi}`, `contact:${eko}`, `contact:${fajar}`].sort());
    expect(g.edges).toContainEqual({ from: `contact:${dewi}`, to: `case:${b}`, kind: 'became_case' });
    expect(g.edges).toContainEqual({ from: `case:${a}`, to: `contact:${dewi}`, kind: 'exposure', setting: 'household', lastContactDate: '2026-03-04' });
    expect(g.edges).toHaveLength(4);
    expect(g.nodes.find((n) => n.id === `case:${b}`)).toMatchObject({ kind: 'case', externalId: 'B', label: 'Dewi' });
    expect(g.nodes.find((n) => n.id === `contact:${dewi}`)).toMatchObject({ kind: 'contact', phoneKnown: true });
  });

  it('without a case, shows only components that contain a chain', () => {
    const { db, c } = chainFixture();
    const repos = createRepositories(db);
    const g = chainGraph(repos);
    expect(g.components).toHaveLength(1);
    expect(g.nodes).toHaveLength(5);
    expect(g.nodes.some((n) => n.id === `case:${c}`)).toBe(false);
    expect(chainGraph(repos, { caseId: 12345 }).nodes).toEqual([]);
  });
});

const JAKARTA = { timeZone: 'Asia/Jakarta' };

describe('exports', () => {
  it('writes cases, contacts and exposures as CSV with stable columns', () => {
    const { db, b } = chainFixture();
    const repos = createRepositories(db);
    const cases = parseCsv(exportCasesCsv(repos, {}, JAKARTA)).records;
    expect(cases[0]!.fields).toEqual([...CASE_COLUMNS]);
    expect(cases).toHaveLength(4);
    const rowB = cases.find((r) => r.fields[1] === 'B')!.fields;
    // The deployment's local time with its offset: the same instant as 03:00 UTC.
    expect(rowB[CASE_COLUMNS.indexOf('confirmed_at')]).toBe('2026-03-10T10:00:00+07:00');
    expect(Date.parse(rowB[CASE_COLUMNS.indexOf('confirmed_at')]!)).toBe(Date.parse('2026-03-10T03:00:00.000Z'));
    expect(rowB[CASE_COLUMNS.indexOf('source_contact_id')]).not.toBe('');
    expect(rowB[CASE_COLUMNS.indexOf('contacts_named')]).toBe('1');
    expect(rowB[0]).toBe(String(b));

    const contacts = parseCsv(exportContactsCsv(repos, { quarantineDays: 14 }, JAKARTA)).records;
    expect(contacts[0]!.fields).toEqual([...CONTACT_COLUMNS]);
    const dewi = contacts.find((r) => r.fields[1] === 'Dewi')!.fields;
    expect(dewi[CONTACT_COLUMNS.indexOf('quarantine_until')]).toBe('2026-03-18');
    expect(dewi[CONTACT_COLUMNS.indexOf('became_case_id')]).toBe(String(b));

    const exposures = parseCsv(exportExposuresCsv(repos, JAKARTA)).records;
    expect(exposures[0]!.fields).toEqual([...EXPOSURE_COLUMNS]);
    expect(exposures).toHaveLength(5);
  });

  it('neutralises spreadsheet formulas in names', () => {
    const { db } = tempDb();
    insertCase(db, { externalId: 'X', name: '=HYPERLINK("http://evil")', confirmedAt: NOW });
    const row = parseCsv(exportCasesCsv(createRepositories(db), {}, JAKARTA)).records[1]!.fields;
    expect(row[CASE_COLUMNS.indexOf('name')]).toBe(`'=HYPERLINK("http://evil")`);
  });

  it('writes the Excel dialect with a BOM and ; and keeps an E.164 phone readable', () => {
    const { db } = tempDb();
    insertCase(db, { externalId: 'Y', name: 'Dewi; Tebet', phone: '+6281234567890', confirmedAt: NOW });
    const csv = exportCasesCsv(createRepositories(db), {}, { timeZone: 'Asia/Jakarta', dialect: EXCEL_ID_CSV });
    expect(csv.startsWith('\uFEFFcase_id;external_id;name;')).toBe(true);
    const parsed = parseCsv(csv);
    expect(parsed.delimiter).toBe(';');
    const row = parsed.records[1]!.fields;
    expect(row[CASE_COLUMNS.indexOf('name')]).toBe('Dewi; Tebet');
    expect(row[CASE_COLUMNS.indexOf('phone')]).toBe('+6281234567890');
  });
});
