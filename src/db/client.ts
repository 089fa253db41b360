import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { areaCodeOf } from '../domain/areas.js';
import { PgClient } from './postgres/pg-client.js';
import { migratePostgres, parsePostgresUrl } from './postgres/pg-migrate.js';
import * as schema from './schema.js';
import { isPostgresUrl, type Dialect, type SqlClient } from './sql-client.js';

/**
 * The database: drizzle's query builder (SQLite dialect) over a synchronous client, better-sqlite3 or PostgreSQL through
 * `postgres/pg-client.ts`, which translates the SQLite SQL. `engine` says which, for the few statements written twice
 * (not `dialect`: drizzle's query builders read their own SQLite dialect object from that property).
 */
export type Db = Omit<BetterSQLite3Database<typeof schema>, '$client'> & { $client: SqlClient; engine: Dialect };

const migrationsFolder = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));
const pgMigrationsFolder = fileURLToPath(new URL('../../migrations/postgres', import.meta.url));

/**
 * Open the database `target` names and apply pending migrations: a `postgres://` URL (with an optional `schema=` parameter,
 * created if missing), or a SQLite file (created if needed; WAL mode, foreign keys on) or ':memory:'.
 */
export function openDb(target: string): Db {
  if (isPostgresUrl(target)) return openPostgres(target);
  const file = target;
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // Several processes (web, workers) share the file: wait for the writer instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  // A case's area is free text from imports and the API; queries filter by the code it names (src/domain/areas.ts).
  sqlite.function('area_code', { deterministic: true }, (text: unknown) => areaCodeOf(typeof text === 'string' ? text : null));
  const sqliteDb = drizzle(sqlite, { schema });
  migrate(sqliteDb, { migrationsFolder });
  return Object.assign(sqliteDb, { engine: 'sqlite' as const });
}

function openPostgres(url: string): Db {
  const { conninfo, schema: pgSchema } = parsePostgresUrl(url);
  const client = new PgClient(conninfo, pgSchema);
  migratePostgres(client, pgMigrationsFolder);
  // drizzle's SQLite driver only calls prepare/run/get/all/raw on its client, which PgClient provides.
  const db = drizzle(client as unknown as Database.Database, { schema });
  return Object.assign(db, { $client: client as SqlClient, engine: 'postgres' as const });
}

/** Run `fn` in one IMMEDIATE transaction (takes the write lock up front, so concurrent writers queue instead of deadlocking). */
export function tx<T>(db: Db, fn: () => T): T {
  return db.$client.transaction(fn).immediate();
}

export { schema };

/** Throw unless the database answers a trivial query (readiness checks). */
export function pingDb(db: Db): void {
  db.$client.prepare('SELECT 1').get();
}

/** The better-sqlite3 handle under a SQLite database, for SQLite-only tools (the scale bench's query probe). */
export function sqliteHandle(db: Db): Database.Database {
  if (db.engine !== 'sqlite') throw new Error('this needs the embedded SQLite database');
  return db.$client as Database.Database;
}

/** Close the connection (command-line tools, at exit). */
export function closeDb(db: Db): void {
  db.$client.close();
}
