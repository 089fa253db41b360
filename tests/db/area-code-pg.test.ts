import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS, areaCodeOf } from '../../src/domain/areas.js';

// PostgreSQL's area_code() (migrations/postgres/0001_sqlite_compat.sql) must name the same area as areaCodeOf, which
// SQLite calls: staff's need-to-know filters run the same SQL on both databases (issue 15). Needs TEST_DATABASE_URL.

/** The part of the `libpq` binding used here (it ships no types). */
interface Libpq {
  connectSync(url: string): void;
  exec(sql: string): void;
  execParams(sql: string, params: (string | null)[]): void;
  resultErrorMessage(): string;
  getisnull(row: number, col: number): boolean;
  getvalue(row: number, col: number): string;
  finish(): void;
}

const url = process.env.TEST_DATABASE_URL;
const migration = new URL('../../migrations/postgres/0001_sqlite_compat.sql', import.meta.url);

const messy = [
  null, '', ' ', 'Kec. Tebet', 'kec tebet', 'Kecamatan  Setia Budi', 'JAKARTA SELATAN', 'kota administrasi jakarta pusat',
  'Kota Administrasi Jakarta Timur', 'Kab. Kepulauan Seribu', 'kabupaten administrasi kepulauan seribu', 'Selatan', 'utara',
  'Tebet, Jakarta Selatan', 'Jakarta Selatan, Tebet', 'Jakarta Selatan / Cakung', 'rt 05; pulogadung', ' 31.74.TEBET ',
  '31.74', '31.74.', '31.99', '31.74.tebet.x', 'Kemayoran,', ',,;', 'xyz', 'Bandung', 'kota jakarta', ' kota jakarta barat',
  'Tebet, kota jakarta selatan', 'kecamatan', 'kec.', 'kab tebet', 'KOTA\tJAKARTA UTARA', '\u00a0Menteng\u3000',
  '\u212Aoja', '31.72.\u212Aoja', 'Gamb\u0130r', 'Cengkaréng', 'Kebon-Jeruk', 'tanah_abang', 'Ciracas\n', "O'Brien's street",
  'jakarta pusat; jakarta utara', '12345', 'kotajakartaselatan', 'Duren  Sawit', 'DurenSawit', 'Pasar Minggu/Tebet',
];

describe.skipIf(!url)('area_code() in PostgreSQL', () => {
  const schema = `area_code_test_${process.pid}`;
  let pq: Libpq;

  const exec = (sql: string) => {
    pq.exec(sql);
    const error = pq.resultErrorMessage();
    if (error) throw new Error(error);
  };

  /** area_code(input) as PostgreSQL computes it. */
  const areaCode = (input: string | null): string | null => {
    pq.execParams('SELECT area_code($1)', [input]);
    const error = pq.resultErrorMessage();
    if (error) throw new Error(error);
    return pq.getisnull(0, 0) ? null : pq.getvalue(0, 0);
  };

  beforeAll(() => {
    const PQ = createRequire(import.meta.url)('libpq') as new () => Libpq;
    pq = new PQ();
    pq.connectSync(url!);
    exec(`SET client_min_messages = warning; DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    for (const statement of readFileSync(migration, 'utf8').split('--> statement-breakpoint')) exec(statement);
  });

  afterAll(() => {
    if (!pq) return;
    exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    pq.finish();
  });

  it('names the same area as areaCodeOf for every area name and code, as written and in upper case', () => {
    const inputs = AREAS.flatMap((a) => [a.name, a.code, a.name.toUpperCase(), a.code.toUpperCase(), `Kec. ${a.name}`, `${a.name}, DKI Jakarta`]);
    const differ = inputs.filter((i) => areaCode(i) !== areaCodeOf(i)).map((i) => `${i}: ${areaCode(i)} vs ${areaCodeOf(i)}`);
    expect(differ).toEqual([]);
    expect(areaCode('Tebet')).toBe('31.74.tebet');
  });

  it('agrees with areaCodeOf on messy text: prefixes, separators, odd whitespace, other scripts, garbage', () => {
    const differ = messy.filter((i) => areaCode(i) !== areaCodeOf(i)).map((i) => `${JSON.stringify(i)}: ${areaCode(i)} vs ${areaCodeOf(i)}`);
    expect(differ).toEqual([]);
  });

  it('agrees with areaCodeOf on 500 seeded random mixes of names, prefixes, separators and noise', () => {
    let seed = 15;
    /** mulberry32: a seeded generator, so a failure names inputs that come back on the next run. */
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const pieces = [...AREAS.map((a) => a.name), ...AREAS.map((a) => a.code), 'kota ', 'kab. ', 'kec ', 'kecamatan ', 'administrasi ', 'jakarta', ', ', '/', ';', ' ', '-', '\t', '.', 'x', '\u00a0', 'É'];
    const inputs = Array.from({ length: 500 }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(pieces)).join(''));
    const differ = inputs.filter((i) => areaCode(i) !== areaCodeOf(i)).map((i) => `${JSON.stringify(i)}: ${areaCode(i)} vs ${areaCodeOf(i)}`);
    expect(differ).toEqual([]);
  });
});
