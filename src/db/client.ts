import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { areaCodeOf } from '../domain/areas.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));

/** Open (creating if needed) the SQLite file in WAL mode with foreign keys on, and apply pending migrations. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // Several processes (web, workers) share the file: wait for the writer instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  // A case's area is free text from imports and the API; queries filter by the code it names (src/domain/areas.ts).
  sqlite.function('area_code', { deterministic: true }, (text: unknown) => areaCodeOf(typeof text === 'string' ? text : null));
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder });
  return db;
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

/** Close the connection (command-line tools, at exit). */
export function closeDb(db: Db): void {
  db.$client.close();
}
