import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb, type Db } from '../../src/db/index.js';

/** A fresh migrated SQLite file in its own temp dir (a real file: WAL and busy timeout as in production), and its path. */
export function tempDb(): { db: Db; file: string } {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tracebot-test-')), 'test.db');
  return { db: openDb(file), file };
}
