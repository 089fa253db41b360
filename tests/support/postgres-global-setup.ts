import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testRunId: string;
  }
}

/** The prefix of every schema one run's tests create (tests/support/test-db.ts): `t_<run id>_`. */
export function schemaPrefix(runId: string): string {
  return `t_${runId}_`;
}

/** The few libpq calls used here (the package ships no types). */
interface Pq {
  connectSync(conninfo: string): void;
  exec(sql: string): void;
  resultStatus(): string;
  resultErrorMessage(): string;
  ntuples(): number;
  getvalue(row: number, col: number): string;
  escapeIdentifier(name: string): string;
  finish(): void;
}

function connect(url: string): Pq {
  // Loaded with require: libpq prints its include path when it has no parent module, as under `import()`.
  const PQ = createRequire(import.meta.url)('libpq') as new () => Pq;
  const pq = new PQ();
  // `schema` is ours (openDb's), not a libpq parameter: libpq refuses URLs carrying it.
  const u = new URL(url);
  u.searchParams.delete('schema');
  pq.connectSync(u.toString());
  return pq;
}

function run(pq: Pq, sql: string): void {
  pq.exec(sql);
  const status = pq.resultStatus();
  if (status !== 'PGRES_COMMAND_OK' && status !== 'PGRES_TUPLES_OK') throw new Error(`${sql.slice(0, 80)}: ${pq.resultErrorMessage()}`);
}

/**
 * The PostgreSQL pass: check the server answers, hand the tests a run id for their schema names, and drop every schema
 * the run created once it is over (whether the tests passed or not), so a shared server does not fill up with them.
 */
export function setup(project: TestProject): () => void {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('the postgres test project needs TEST_DATABASE_URL');
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  connect(url).finish();
  project.provide('testRunId', runId);
  return () => {
    const pq = connect(url);
    try {
      // Without this, libpq prints a "drop cascades to table" notice per table to stderr.
      run(pq, 'SET client_min_messages = warning');
      run(pq, `SELECT nspname FROM pg_namespace WHERE nspname LIKE '${schemaPrefix(runId).replaceAll('_', '\\_')}%'`);
      const names = Array.from({ length: pq.ntuples() }, (_, i) => pq.getvalue(i, 0));
      for (const name of names) run(pq, `DROP SCHEMA IF EXISTS ${pq.escapeIdentifier(name)} CASCADE`);
    } finally {
      pq.finish();
    }
  };
}
