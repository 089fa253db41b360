import { describe, expect, it } from 'vitest';
import { bind, literal } from '../../src/db/postgres/pg-literal.js';
import { translate } from '../../src/db/postgres/sqlite-to-pg.js';

const pg = (sql: string, ...args: unknown[]) => bind(translate(sql), args);

describe('SQLite SQL as PostgreSQL', () => {
  it('fills positional and named parameters with untyped literals, leaving string contents alone', () => {
    expect(pg(`SELECT * FROM t WHERE a = ? AND b = ? AND c = '?@x'`, 5, "it's")).toBe(`SELECT * FROM t WHERE a = '5' AND b = 'it''s' AND c = '?@x'`);
    expect(pg('UPDATE t SET a = @a, b = :b WHERE id = $id', { a: null, b: true, id: 7 })).toBe(`UPDATE t SET a = NULL, b = '1' WHERE id = '7'`);
    expect(pg('SELECT ?2, ?1', 'x', 'y')).toBe(`SELECT 'y', 'x'`);
    expect(pg('SELECT a::text FROM t')).toBe('SELECT a::text FROM t');
  });

  it('refuses values SQL cannot hold and missing parameters', () => {
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(() => literal({})).toThrow(TypeError);
    expect(() => pg('SELECT ?')).toThrow(RangeError);
    expect(() => pg('SELECT @a', { b: 1 })).toThrow(/"a"/);
  });

  it('keeps NUL out of text and writes bytes as bytea hex', () => {
    expect(literal('a\u0000b')).toBe(`'a\uFFFDb'`);
    expect(literal(Buffer.from([1, 255]))).toBe(`'\\x01ff'`);
  });

  it('expands json_each lists of ids, as numbers or as text, and an empty list to no match', () => {
    expect(pg('SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(?))', '[1,2]')).toBe(`SELECT 1 FROM t WHERE id IN ('1', '2')`);
    expect(pg('SELECT 1 FROM t WHERE k IN (SELECT CAST(value AS TEXT) FROM json_each(@ids))', { ids: '[3]' })).toBe(`SELECT 1 FROM t WHERE k IN ('3')`);
    expect(pg('DELETE FROM t WHERE id IN (SELECT value FROM json_each(?))', '[]')).toBe('DELETE FROM t WHERE id IN (NULL)');
  });

  it('rewrites the SQLite-only forms the repositories use', () => {
    expect(pg('SELECT case_id AS caseId, x AS n, CAST(v AS TEXT), "t"."aB" FROM t ORDER BY caseId')).toBe(
      'SELECT case_id AS "caseId", x AS n, CAST(v AS TEXT), "t"."aB" FROM t ORDER BY "caseId"',
    );
    expect(pg(`SELECT 1 FROM t WHERE name LIKE ? ESCAPE '\\' AND b not like 'x'`, 'a%')).toBe(`SELECT 1 FROM t WHERE name ILIKE 'a%' ESCAPE '\\' AND b not ILIKE 'x'`);
    expect(pg('INSERT OR IGNORE INTO t (a) VALUES (?)', 1)).toBe(`INSERT INTO t (a) VALUES ('1') ON CONFLICT DO NOTHING`);
    expect(pg('INSERT OR IGNORE INTO t (a) VALUES (?) RETURNING id', 1)).toBe(`INSERT INTO t (a) VALUES ('1') ON CONFLICT DO NOTHING RETURNING id`);
    expect(pg('SELECT 1 FROM t WHERE a IS @a AND b IS NOT ? AND c IS NULL', 2, { a: null })).toBe(
      `SELECT 1 FROM t WHERE a IS NOT DISTINCT FROM NULL AND b IS DISTINCT FROM '2' AND c IS NULL`,
    );
    expect(pg('SELECT max(a, excluded.b), max(c) FROM t INDEXED BY t_a')).toBe('SELECT GREATEST(a, excluded.b), max(c) FROM t ');
    expect(pg('SELECT MAX(a, coalesce(b, 0), min(c, d)), min(max(e)) FROM t')).toBe('SELECT GREATEST(a, coalesce(b, 0), LEAST(c, d)), min(max(e)) FROM t');
    expect(pg('SELECT CAST(x AS REAL) FROM t')).toBe('SELECT CAST(x AS DOUBLE PRECISION) FROM t');
  });

  it("gives the query builder's missing insert values the column default, and keeps raw SQL's NULL", () => {
    expect(pg('insert into "t" ("id", "a") values (null, ?)', 1)).toBe(`insert into "t" ("id", "a") values (DEFAULT, '1')`);
    expect(pg('INSERT INTO t (a, b) VALUES (NULL, ?)', 1)).toBe(`INSERT INTO t (a, b) VALUES (NULL, '1')`);
  });

  it('writes fractions as numbers, an always-true WHERE as TRUE, and an unqualified conflict target', () => {
    expect(pg('UPDATE t SET a = ?, b = ? WHERE 1 AND c = ?', 1.25, -0.5, 3)).toBe(`UPDATE t SET a = (1.25), b = (-0.5) WHERE TRUE AND c = '3'`);
    expect(pg('insert into "r" ("a", "b") values (?, ?) on conflict ("r"."a", "r"."b") do update set "b" = ?', 1, 2, 3)).toBe(
      `insert into "r" ("a", "b") values ('1', '2') on conflict ("a", "b") do update set "b" = '3'`,
    );
  });

  it('reads a negative LIMIT as no limit', () => {
    expect(pg('SELECT a FROM t LIMIT ? OFFSET ?', -1, 2)).toBe(`SELECT a FROM t LIMIT ALL OFFSET '2'`);
    expect(pg('SELECT a FROM t LIMIT ?', 5)).toBe(`SELECT a FROM t LIMIT '5'`);
  });

  it('says INSERT OR REPLACE needs rewriting by hand', () => {
    expect(() => translate('INSERT OR REPLACE INTO t VALUES (1)')).toThrow(/ON CONFLICT/);
  });
});
