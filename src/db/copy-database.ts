import { sqliteHandle, type Db } from './client.js';
import { quoteIdent, sqliteTablesInOrder, type SqliteTable } from './copy-tables.js';
import { PgClient } from './postgres/pg-client.js';
import type { SqlClient } from './sql-client.js';

/** Rows of one table in the source and, after the copy, in the target. */
export interface TableCount {
  table: string;
  source: number;
  target: number;
  /** Non-integral numbers SQLite held in integer columns (times computed with fractions), rounded for PostgreSQL's bigint. */
  rounded: number;
}

export type CopyResult =
  | { ok: true; tables: TableCount[] }
  | { ok: false; reason: 'not_empty' | 'schema_differs' | 'counts_differ'; detail: string; tables?: TableCount[] };

type CopyRefusal = Extract<CopyResult, { ok: false }>;

/** Thrown inside the target's transaction so it rolls back; carries the answer for the caller. */
class CopyStopped extends Error {
  constructor(readonly result: CopyRefusal) {
    super(result.detail);
  }
}

/**
 * Copy every row of a SQLite database into an empty PostgreSQL one of the same schema (issue 15: a city that started on
 * SQLite moves without losing a message). The source is read in one read transaction, so the copy is one consistent
 * moment of it, and is not changed; the target is written in one transaction: all of it, or nothing when a table of the
 * target already holds rows, its schema lacks a table or column of the source, or the counts differ afterwards.
 * Identity sequences are moved past the copied ids, so the next insert gets a fresh one.
 */
export function copyDatabase(source: Db, target: Db, opts: { batchSize?: number } = {}): CopyResult {
  if (!(target.$client instanceof PgClient)) throw new Error('the copy target must be a PostgreSQL database');
  const sqlite = sqliteHandle(source);
  const batchSize = opts.batchSize ?? 500;
  sqlite.exec('BEGIN');
  try {
    const tables = sqliteTablesInOrder(sqlite);
    return target.$client.transaction(() => {
      const pg = target.$client;
      const targetColumns = columnsOf(pg);
      refuseUnlessEmpty(pg, [...targetColumns.keys()]);
      refuseUnlessSchemaFits(tables, targetColumns);
      const counts: TableCount[] = [];
      for (const table of tables) {
        let rounded: number;
        try {
          rounded = copyTable(sqlite, pg, table, targetColumns.get(table.name)!, batchSize);
        } catch (error) {
          if (error instanceof Error) error.message = `table ${table.name}: ${error.message}`;
          throw error;
        }
        const sourceCount = (sqlite.prepare(`SELECT count(*) AS n FROM ${quoteIdent(table.name)}`).get() as { n: number }).n;
        counts.push({ table: table.name, source: sourceCount, target: countRows(pg, table.name), rounded });
      }
      resetIdentities(pg);
      if (counts.some((c) => c.source !== c.target)) {
        const differ = counts.filter((c) => c.source !== c.target).map((c) => c.table);
        throw new CopyStopped({ ok: false, reason: 'counts_differ', detail: `row counts differ in ${differ.join(', ')}`, tables: counts });
      }
      return { ok: true as const, tables: counts };
    })();
  } catch (error) {
    if (error instanceof CopyStopped) return error.result;
    throw error;
  } finally {
    // Only reads happened on the source: ending the transaction just releases its snapshot.
    sqlite.exec('ROLLBACK');
  }
}

/** The base tables of the connection's schema (drizzle's migration record aside) and their columns' types. */
function columnsOf(pg: SqlClient): Map<string, Map<string, string>> {
  const rows = pg
    .prepare(
      `SELECT c.table_name AS t, c.column_name AS c, c.data_type AS type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '__drizzle_migrations'
       ORDER BY c.table_name, c.ordinal_position`,
    )
    .all() as { t: string; c: string; type: string }[];
  const columns = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (!columns.has(r.t)) columns.set(r.t, new Map());
    columns.get(r.t)!.set(r.c, r.type);
  }
  return columns;
}

function refuseUnlessEmpty(pg: SqlClient, tables: string[]): void {
  const filled = tables.filter((t) => pg.prepare(`SELECT 1 AS x FROM ${quoteIdent(t)} LIMIT 1`).get() !== undefined);
  if (filled.length) {
    throw new CopyStopped({
      ok: false,
      reason: 'not_empty',
      detail: `the target already holds rows (${filled.join(', ')}): copy into an empty database or a new schema (?schema=name)`,
    });
  }
}

/** Every table and column of the source must have a place in the target: a column left behind would lose data. */
function refuseUnlessSchemaFits(tables: SqliteTable[], target: Map<string, Map<string, string>>): void {
  const missing: string[] = [];
  for (const t of tables) {
    const cols = target.get(t.name);
    if (!cols) missing.push(t.name);
    else for (const c of t.columns) if (!cols.has(c)) missing.push(`${t.name}.${c}`);
  }
  if (missing.length) {
    throw new CopyStopped({
      ok: false,
      reason: 'schema_differs',
      detail: `the target has no place for ${missing.join(', ')}: run the same tracebot version on both databases`,
    });
  }
}

/**
 * Copy one table in pages by rowid (bounded memory), as multi-row INSERTs in rowid order (a row's parent in the same table
 * first). Returns how many non-integral numbers bound for integer columns were rounded.
 */
function copyTable(
  sqlite: ReturnType<typeof sqliteHandle>,
  pg: SqlClient,
  table: SqliteTable,
  types: Map<string, string>,
  batchSize: number,
): number {
  const cols = table.columns.map(quoteIdent).join(', ');
  // Integers as bigint: an id or a time past 2^53 arrives exactly as stored.
  const page = sqlite
    .prepare(`SELECT rowid, ${cols} FROM ${quoteIdent(table.name)} WHERE rowid > ? ORDER BY rowid LIMIT ?`)
    .raw(true)
    .safeIntegers(true);
  const row = `(${table.columns.map(() => '?').join(', ')})`;
  const insertFor = (n: number) => pg.prepare(`INSERT INTO ${quoteIdent(table.name)} (${cols}) VALUES ${Array(n).fill(row).join(', ')}`);
  const full = insertFor(batchSize);
  // With safe integers on, SQLite's integers arrive as bigint: a plain number in an integer column is a REAL SQLite kept.
  const integral = table.columns.map((c) => INTEGER_TYPES.has(types.get(c)!));
  let rounded = 0;
  const value = (v: unknown, i: number) => {
    if (typeof v !== 'number' || !integral[i] || Number.isInteger(v)) return v;
    rounded++;
    return Math.round(v);
  };
  let after: bigint = -(2n ** 63n);
  for (;;) {
    const rows = page.all(after, batchSize) as unknown[][];
    if (rows.length === 0) return rounded;
    const values = rows.flatMap((r) => r.slice(1).map(value));
    (rows.length === batchSize ? full : insertFor(rows.length)).run(values);
    after = rows[rows.length - 1]![0] as bigint;
    if (rows.length < batchSize) return rounded;
  }
}

const INTEGER_TYPES = new Set(['bigint', 'integer', 'smallint']);

function countRows(pg: SqlClient, table: string): number {
  return (pg.prepare(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
}

/** Move each identity column's sequence to the largest copied id, so the next insert gets max + 1 (setval's is_called). */
function resetIdentities(pg: SqlClient): void {
  const identities = pg
    .prepare(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
       WHERE table_schema = current_schema() AND is_identity = 'YES'`,
    )
    .all() as { t: string; c: string }[];
  for (const { t, c } of identities) {
    pg.prepare(
      `SELECT setval(pg_get_serial_sequence(?, ?), m, true) FROM (SELECT max(${quoteIdent(c)}) AS m FROM ${quoteIdent(t)}) s WHERE m IS NOT NULL`,
    ).get(quoteIdent(t), c);
  }
}
