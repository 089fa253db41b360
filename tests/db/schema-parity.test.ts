import { is, SQL } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from '../../src/db/postgres/schema/index.js';
import * as accounts from '../../src/db/schema-accounts.js';
import * as consent from '../../src/db/schema-consent.js';
import * as contactInvites from '../../src/db/schema-contact-invites.js';
import * as durable from '../../src/db/schema-durable.js';
import * as inbox from '../../src/db/schema-inbox.js';
import * as monitoring from '../../src/db/schema-monitoring.js';
import * as privacy from '../../src/db/schema-privacy.js';
import * as main from '../../src/db/schema.js';

// The application runs the same SQL on SQLite and PostgreSQL (issue 15), so the PostgreSQL mirror must have every table,
// column, default, index and foreign key the SQLite schema has, under the same names. These are compared as drizzle sees
// them, which is also what drizzle-kit generates the two sets of migrations from.

const sqliteTables = [main, durable, consent, accounts, contactInvites, inbox, privacy, monitoring]
  .flatMap((m) => Object.values(m) as unknown[])
  .filter((v): v is SQLiteTable => is(v, SQLiteTable));
const pgTables = (Object.values(pg) as unknown[]).filter((v): v is PgTable => is(v, PgTable));

/** The raw text of a `sql` template (schemas use only literal SQL in defaults and index conditions). */
const sqlText = (v: unknown) => (is(v, SQL) ? v.queryChunks.map((c) => (c as { value?: string[] }).value?.join('') ?? '?').join('') : v);

/** A column's storage class as SQLite sees it, and the PostgreSQL type each class must become. */
const SQLITE_TO_PG: Record<string, string> = { integer: 'bigint', real: 'double precision', text: 'text COLLATE "C"', blob: 'bytea' };

type Config = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;

/** A database-neutral description of one table. */
function describeTable(c: Config, sqlType: (t: string) => string, literal: (v: unknown) => unknown, hasDefault = (col: Config['columns'][number]) => col.hasDefault) {
  return {
    columns: Object.fromEntries(
      c.columns.map((col) => [
        col.name,
        {
          type: sqlType(col.getSQLType()),
          notNull: col.notNull,
          hasDefault: hasDefault(col),
          primary: col.primary,
          default: literal(col.default),
        },
      ]),
    ),
    primaryKey: c.primaryKeys.map((pk) => pk.columns.map((col) => col.name)),
    indexes: Object.fromEntries(
      c.indexes.map((i) => [
        i.config.name,
        {
          unique: i.config.unique,
          columns: i.config.columns.map((col) => (col as { name: string }).name),
          where: i.config.where ? sqlText(i.config.where) : undefined,
        },
      ]),
    ),
    foreignKeys: c.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return {
          columns: ref.columns.map((col) => col.name),
          table: (ref.foreignTable as unknown as { [k: symbol]: string })[Symbol.for('drizzle:Name')],
          foreignColumns: ref.foreignColumns.map((col) => col.name),
          onDelete: fk.onDelete ?? 'no action',
        };
      })
      .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
  };
}

const sqliteSide = Object.fromEntries(
  sqliteTables.map((t) => {
    const c = sqliteConfig(t);
    // SQLite booleans are 0/1 integers; the mirror writes those numbers.
    const literal = (v: unknown) => (typeof v === 'boolean' ? Number(v) : is(v, SQL) ? 'sql' : v);
    // drizzle counts every integer primary key as defaulted (SQLite would number a rowid alias left out); one that is not
    // AUTOINCREMENT (monitoring_exposures.exposure_id, a foreign key) is always written by the application, so the mirror
    // gives it no identity.
    const hasDefault = (col: Config['columns'][number]) => col.hasDefault && !(col.primary && (col as { autoIncrement?: boolean }).autoIncrement === false);
    return [c.name, describeTable(c, (type) => SQLITE_TO_PG[type] ?? type, literal, hasDefault)];
  }),
);
const pgSide = Object.fromEntries(
  pgTables.map((t) => {
    const c = pgConfig(t);
    return [c.name, describeTable(c, (type) => type, (v) => (is(v, SQL) ? 'sql' : v))];
  }),
);

describe('the PostgreSQL schema mirrors the SQLite schema', () => {
  it('has the same tables', () => {
    expect(Object.keys(pgSide).sort()).toEqual(Object.keys(sqliteSide).sort());
    expect(Object.keys(sqliteSide).length).toBeGreaterThan(25);
  });

  for (const name of Object.keys(sqliteSide).sort()) {
    describe(name, () => {
      it('has the same columns, types, NOT NULLs and defaults', () => {
        expect(pgSide[name]?.columns).toEqual(sqliteSide[name]!.columns);
        expect(pgSide[name]?.primaryKey).toEqual(sqliteSide[name]!.primaryKey);
      });
      it('has the same indexes (unique, columns, partial conditions)', () => {
        expect(pgSide[name]?.indexes).toEqual(sqliteSide[name]!.indexes);
      });
      it('has the same foreign keys', () => {
        expect(pgSide[name]?.foreignKeys).toEqual(sqliteSide[name]!.foreignKeys);
      });
    });
  }

  it('numbers its own ids like SQLite but accepts explicit ones (generated BY DEFAULT, not ALWAYS)', () => {
    for (const t of pgTables) {
      for (const col of pgConfig(t).columns) {
        const identity = (col as unknown as { generatedIdentity?: { type: string } }).generatedIdentity;
        if (identity) expect(identity.type, `${pgConfig(t).name}.${col.name}`).toBe('byDefault');
      }
    }
  });
});
