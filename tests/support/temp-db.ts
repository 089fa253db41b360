import { openDb, type Db } from '../../src/db/index.js';
import { testDatabase } from './test-db.js';

/**
 * A fresh migrated database for one test and its target (a SQLite file path, or in the PostgreSQL pass a URL naming the
 * test's own schema): `file` is what a second connection or a spawned process opens to share it.
 */
export function tempDb(): { db: Db; file: string } {
  const { target } = testDatabase();
  return { db: openDb(target), file: target };
}
