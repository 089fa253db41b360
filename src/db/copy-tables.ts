import type Database from 'better-sqlite3';

/** One application table of a SQLite database: its name, columns in order, and the tables its foreign keys name. */
export interface SqliteTable {
  name: string;
  columns: string[];
  parents: string[];
}

/**
 * The application tables of a SQLite database (not SQLite's own, not drizzle's migration record), parents before children,
 * so rows can be inserted into a database that checks foreign keys at once (PostgreSQL's are not deferrable). A table that
 * names itself is fine when rows go in id order; a cycle between tables cannot be ordered, and is an error naming them.
 */
export function sqliteTablesInOrder(sqlite: Database.Database): SqliteTable[] {
  const names = (
    sqlite
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '__drizzle_migrations' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((r) => r.name);
  const tables = new Map<string, SqliteTable>();
  for (const name of names) {
    const quoted = quoteIdent(name);
    const withoutRowid = /\bWITHOUT\s+ROWID\b/i.test(
      (sqlite.prepare(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) as { sql: string }).sql,
    );
    if (withoutRowid) throw new Error(`table ${name} has no rowid: the copy pages through tables by rowid`);
    const columns = (sqlite.prepare(`PRAGMA table_info(${quoted})`).all() as { name: string }[]).map((c) => c.name);
    const parents = (sqlite.prepare(`PRAGMA foreign_key_list(${quoted})`).all() as { table: string }[])
      .map((f) => f.table)
      .filter((t) => t !== name);
    tables.set(name, { name, columns, parents: [...new Set(parents)] });
  }
  const ordered: SqliteTable[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'open') throw new Error(`tables ${[...path.slice(path.indexOf(name)), name].join(' -> ')} reference each other in a cycle`);
    const table = tables.get(name);
    if (!table) return; // a foreign key to a table that is not there: SQLite allows it; nothing to order
    state.set(name, 'open');
    for (const p of table.parents) visit(p, [...path, name]);
    state.set(name, 'done');
    ordered.push(table);
  };
  for (const name of names) visit(name, []);
  return ordered;
}

/** A table or column name as a double-quoted identifier (the same syntax in SQLite and PostgreSQL). */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
