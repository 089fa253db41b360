import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Db } from './client.js';
import { PgClient } from './postgres/pg-client.js';
import { parsePostgresUrl } from './postgres/pg-migrate.js';
import { isPostgresUrl } from './sql-client.js';

/** How many migrations the open database records as applied (drizzle's `__drizzle_migrations`, both dialects). */
export function migrationsRecorded(db: Db): number {
  return (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
}

/**
 * How many migrations the database `target` names records, without opening it the usual way (which migrates): 0 for a
 * database not created yet. Lets `db migrate` say what it applied. PostgreSQL's schema is created if missing, as openDb does.
 */
export function migrationsRecordedBefore(target: string): number {
  if (isPostgresUrl(target)) {
    const { conninfo, schema } = parsePostgresUrl(target);
    const client = new PgClient(conninfo, schema);
    try {
      if (client.query(`SELECT to_regclass('__drizzle_migrations') IS NULL`).rows[0]![0] === 1) return 0;
      return Number(client.query('SELECT count(*) FROM __drizzle_migrations').rows[0]![0]);
    } finally {
      client.close();
    }
  }
  if (target === ':memory:' || !existsSync(target)) return 0;
  const sqlite = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const exists = sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`).get();
    return exists ? (sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
  } finally {
    sqlite.close();
  }
}
