import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDb, type Db } from '../../src/db/index.js';
import { schemaPrefix } from './postgres-global-setup.js';

/** Which database this test pass runs on: the `postgres` project sets TEST_DATABASE (vitest.config.ts). */
export type TestDatabaseKind = 'sqlite' | 'postgres';

/** The kind of database this pass gives tests (for the few tests about one engine's own behaviour). */
export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
}

let schemas = 0;

/**
 * A fresh, empty database for one test: a SQLite file in its own temp dir (a real file: WAL and busy timeout as in
 * production), or in the PostgreSQL pass TEST_DATABASE_URL with a schema of its own, named after the run so the run's
 * global teardown drops it (tests/support/postgres-global-setup.ts). `target` is what openDb and DATABASE_URL/FILE take.
 */
export function testDatabase(): { target: string; kind: TestDatabaseKind } {
  if (testDatabaseKind() === 'sqlite') {
    return { target: path.join(mkdtempSync(path.join(os.tmpdir(), 'tracebot-test-')), 'test.db'), kind: 'sqlite' };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('the postgres test pass needs TEST_DATABASE_URL');
  // Unique across the run's worker processes: pid and a counter, plus a few random characters in case a pid is reused.
  const schema = `${schemaPrefix(inject('testRunId'))}${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 6)}`;
  return { target: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`, kind: 'postgres' };
}

/** A fresh migrated database for one test (see testDatabase). */
export function openTestDb(): Db {
  return openDb(testDatabase().target);
}
