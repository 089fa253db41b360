import { readFileSync } from 'node:fs';
import { createRepositories } from '../../../src/db/index.js';
import { describe, expect, it } from 'vitest';
import { commitImport, parseCsv, parseCsvDate, parseCsvTimestamp, previewImport } from '../../../src/services/coordinator/index.js';
import { count, insertCase } from './support.js';
import { tempDb } from '../../support/temp-db.js';

const NOW = Date.parse('2026-03-10T03:00:00Z'); // 10:00 in Jakarta
const OPTS = { defaultCountry: 'ID', now: NOW, today: '2026-03-10' };
const TTL = 7 * 86_400_000;
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/coordinator/${name}`, import.meta.url), 'utf8');

describe('CSV parser', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\uFEFFid,name,area\r\nA1,"Siti ""Ani"" Rahma","Tebet, Jakarta Selatan"\r\nA2,"Budi\nSantoso",Cilandak\r\n\r\nA3,Joko,\r\n';
    const r = parseCsv(text);
    expect(r.delimiter).toBe(',');
    expect(r.records).toEqual([
      { line: 1, fields: ['id', 'name', 'area'] },
      { line: 2, fields: ['A1', 'Siti "Ani" Rahma', 'Tebet, Jakarta Selatan'] },
      { line: 3, fields: ['A2', 'Budi\nSantoso', 'Cilandak'] },
      { line: 6, fields: ['A3', 'Joko', ''] },
    ]);
  });

  it('detects the semicolon Excel writes in an Indonesian locale', () => {
    const r = parseCsv('nama;telepon\nAni;0812 3456 7890\n');
    expect(r.delimiter).toBe(';');
    expect(r.records[1]!.fields).toEqual(['Ani', '0812 3456 7890']);
  });

  it('reports an unclosed quote on its line and carries on with the next line', () => {
    const r = parseCsv('id,name\nA1,"Ani\nA2,Budi\n');
    expect(r.records[1]).toMatchObject({ line: 2, error: expect.stringMatching(/never closed/) });
    expect(r.records[2]).toEqual({ line: 3, fields: ['A2', 'Budi'] });
  });

  it('reports text after a closing quote', () => {
    const r = parseCsv('id,name\nA1,"Ani"x\nA2,Budi');
    expect(r.records[1]!.error).toMatch(/after a closing quote/);
    expect(r.records[2]).toEqual({ line: 3, fields: ['A2', 'Budi'] });
  });
});

describe('dates in a CSV', () => {
  it('accepts YYYY-MM-DD and DD/MM/YYYY and refuses impossible dates', () => {
    expect(parseCsvDate('2026-03-01')).toBe('2026-03-01');
    expect(parseCsvDate('1/3/2026')).toBe('2026-03-01');
    expect(parseCsvDate('29/02/2024')).toBe('2024-02-29');
    expect(parseCsvDate('29/02/2026')).toBeNull();
    expect(parseCsvDate('2026-13-01')).toBeNull();
    expect(parseCsvDate('03/2026')).toBeNull();
  });

  it('reads a confirmation time without an offset as Jakarta time', () => {
    expect(parseCsvTimestamp('09/03/2026 08:30', 'Asia/Jakarta')).toBe(Date.parse('2026-03-09T01:30:00Z'));
    expect(parseCsvTimestamp('2026-03-09T08:30:00+07:00', 'Asia/Jakarta')).toBe(Date.parse('2026-03-09T01:30:00Z'));
    expect(parseCsvTimestamp('2026-03-09', 'Asia/Jakarta')).toBe(Date.parse('2026-03-08T17:00:00Z'));
    expect(parseCsvTimestamp('kemarin', 'Asia/Jakarta')).toBeNull();
  });
});

describe('case import', () => {
  it('previews every row problem, writes nothing, then imports only the valid rows in one go', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    insertCase(db, { externalId: 'JKT-OLD', confirmedAt: NOW - 86_400_000 });
    const preview = previewImport(repos, fixture('cases-with-problems.csv'), OPTS);
    expect(count(db, 'cases')).toBe(1);
    expect(preview.fileProblems).toEqual([]);
    const byLine = Object.fromEntries(preview.rows.map((r) => [r.line, r.problems.map((p) => p.code)]));
    expect(byLine).toEqual({
      2: [],
      3: ['missing'],
      4: ['bad_phone'],
      5: ['bad_date'],
      6: ['bad_language'],
      7: ['duplicate_in_db'],
      8: ['duplicate_in_file'],
      9: ['malformed'],
      10: ['future_date'],
      11: [],
    });
    expect(preview.rows.find((r) => r.line === 8)!.problems[0]!.message).toBe('case id JKT-001 is also on line 2');
    expect(preview.rows.find((r) => r.line === 9)!.problems[0]!.message).toMatch(/has 4 fields but the header has 7/);
    expect(preview.summary).toMatchObject({ rows: 10, valid: 2, invalid: 8 });
    expect(preview.rows[0]!.parsed).toMatchObject({ externalId: 'JKT-001', phone: '+6281234567890', dateOfBirth: '1985-05-12', testDate: '2026-03-08', language: 'id', area: 'Tebet' });
    expect(preview.rows.find((r) => r.line === 11)!.parsed).toMatchObject({ language: 'en', testDate: '2026-03-07' });

    const result = commitImport(repos, preview, { ...OPTS, startCodeTtlMs: TTL, actor: { kind: 'user', id: null } });
    expect(result.imported.map((r) => [r.line, r.externalId])).toEqual([
      [2, 'JKT-001'],
      [11, 'JKT-010'],
    ]);
    expect(result.imported.every((r) => r.startCode.length >= 16)).toBe(true);
    expect(result.skipped.map((s) => s.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.skipped.find((s) => s.line === 4)!.reasons[0]).toMatch(/not a valid phone/);
    expect(count(db, 'cases')).toBe(3);
    expect(db.$client.prepare(`SELECT action FROM audit_log`).all()).toEqual([{ action: 'cases.import' }]);
  });

  it('takes Indonesian headers, semicolons, day-first dates and a confirmation time', () => {
    const { db } = tempDb();
    const csv = 'No_HP;Nama;ID Kasus;Tanggal Lahir;Bahasa;Kecamatan;Confirmed At\r\n0812-1111-2222;Dewi Lestari;DKI-9;03/04/1990;Indonesia;Cakung;09/03/2026 08:30\r\n';
    const preview = previewImport(createRepositories(db), csv, OPTS);
    expect(preview.columns.map((c) => c.field)).toEqual(['phone', 'name', 'externalId', 'dateOfBirth', 'language', 'area', 'confirmedAt']);
    expect(preview.rows[0]!.problems).toEqual([]);
    expect(preview.rows[0]!.parsed).toMatchObject({ phone: '+6281211112222', dateOfBirth: '1990-04-03', language: 'id', area: 'Cakung', confirmedAt: Date.parse('2026-03-09T01:30:00Z') });
  });

  it('skips a title line above the header and empty spreadsheet rows', () => {
    const { db } = tempDb();
    const preview = previewImport(createRepositories(db), 'Daftar kasus 10 Maret 2026;;\nid;nama;hp\nA1;Ani;081234567890\n;;\n;;\nA2;Budi;081298765432\n', OPTS);
    expect(preview.fileProblems).toEqual([]);
    expect(preview.rows.map((r) => [r.line, r.problems.length])).toEqual([
      [3, 0],
      [6, 0],
    ]);
  });

  it('refuses a file without a case id column and imports nothing from it', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const preview = previewImport(repos, 'name,phone\nAni,081234567890\n', OPTS);
    expect(preview.fileProblems[0]).toMatch(/no column for externalId/);
    expect(preview.summary.valid).toBe(0);
    const result = commitImport(repos, preview, { ...OPTS, startCodeTtlMs: TTL });
    expect(result.imported).toEqual([]);
    expect(count(db, 'cases')).toBe(0);
  });

  it('re-validates a preview at commit, and skips a case imported meanwhile', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const preview = previewImport(repos, 'id,name,phone\nA1,Ani,081234567890\nA2,Budi,081298765432\n', OPTS);
    // Someone edits the kept preview, and someone else imports A2 in between.
    preview.rows[0]!.input = { ...preview.rows[0]!.input!, phone: 'not a phone' };
    insertCase(db, { externalId: 'A2', confirmedAt: NOW });
    const result = commitImport(repos, preview, { ...OPTS, startCodeTtlMs: TTL });
    expect(result.imported).toEqual([]);
    expect(result.skipped).toEqual([
      { line: 2, externalId: 'A1', reasons: ['phone: not a valid phone number'] },
      { line: 3, externalId: 'A2', reasons: ['case id already in the database'] },
    ]);
    expect(count(db, 'cases')).toBe(1);
  });

  it('previews and imports a 5 MB file (linear work, one transaction)', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const lines = ['case_id,name,phone,date_of_birth,test_date,language,area'];
    let size = lines[0]!.length;
    for (let i = 0; size < 5_000_000; i++) {
      const l = `BIG-${i},"Pasien Nomor ${i}, Jakarta",0812${String(10_000_000 + i).slice(-8)},${String((i % 28) + 1).padStart(2, '0')}/01/1980,2026-03-0${(i % 9) + 1},id,Kecamatan ${i % 44}`;
      lines.push(l);
      size += l.length + 1;
    }
    // CPU time, not wall time: the suite shares the machine with other work.
    const started = process.cpuUsage();
    const preview = previewImport(repos, lines.join('\n'), OPTS);
    const used = process.cpuUsage(started);
    const previewSeconds = (used.user + used.system) / 1e6;
    expect(preview.summary).toMatchObject({ rows: lines.length - 1, invalid: 0 });
    expect(previewSeconds).toBeLessThan(20);
    const result = commitImport(repos, preview, { ...OPTS, startCodeTtlMs: TTL });
    expect(result.imported.length).toBe(lines.length - 1);
    expect(count(db, 'cases')).toBe(lines.length - 1);
  }, 240_000);
});
