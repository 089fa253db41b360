import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * Where a bench run keeps its data: a fresh SQLite file per system (bench-system.ts makes it), or on PostgreSQL a fresh
 * schema per system, all named `<prefix>_...` so one statement drops every schema the run made, whatever stage it died at.
 */
export type BenchDatabase = { kind: 'sqlite' } | { kind: 'postgres'; url: string; prefix: string };

/** A run's database: on PostgreSQL a new `bench_<random>` prefix for its schemas. */
export function benchDatabase(kind: 'sqlite' | 'postgres', url: string | undefined): BenchDatabase {
  if (kind === 'sqlite') return { kind };
  if (!url) throw new Error('--database postgres needs a URL');
  return { kind, url, prefix: `bench_${randomBytes(4).toString('hex')}` };
}

/** The DATABASE_URL of one schema under the run's prefix (openDb creates and migrates it on first open). */
export function schemaUrl(db: { url: string; prefix: string }, name: string): string {
  const u = new URL(db.url);
  u.searchParams.set('schema', `${db.prefix}_${name}`);
  return u.toString();
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

function run(pq: Pq, sql: string): void {
  pq.exec(sql);
  const status = pq.resultStatus();
  if (status !== 'PGRES_COMMAND_OK' && status !== 'PGRES_TUPLES_OK') throw new Error(`${sql.slice(0, 80)}: ${pq.resultErrorMessage().trim()}`);
}

/**
 * The names of the schemas under `prefix`, dropped first when `drop` is set. Straight libpq rather than openDb: the bench
 * reaches src only through public modules, and openDb would create and migrate a schema just to drop it.
 */
export function benchSchemas(url: string, prefix: string, drop = false): string[] {
  // Loaded with require: libpq prints its include path when it has no parent module, as under `import()`.
  const PQ = createRequire(import.meta.url)('libpq') as new () => Pq;
  const pq = new PQ();
  const u = new URL(url);
  // `schema` is tracebot's parameter, not libpq's: libpq refuses URLs carrying it.
  u.searchParams.delete('schema');
  pq.connectSync(u.toString());
  try {
    // Without this, libpq prints a "drop cascades to table" notice per table to stderr.
    run(pq, 'SET client_min_messages = warning');
    const list = () => {
      run(pq, `SELECT nspname FROM pg_namespace WHERE nspname LIKE '${prefix.replaceAll('_', '\\_')}\\_%' ORDER BY 1`);
      return Array.from({ length: pq.ntuples() }, (_, i) => pq.getvalue(i, 0));
    };
    if (!drop) return list();
    for (const name of list()) run(pq, `DROP SCHEMA IF EXISTS ${pq.escapeIdentifier(name)} CASCADE`);
    return list();
  } finally {
    pq.finish();
  }
}

/** Drop every schema of the run (nothing to do on SQLite: bench-system.ts removes its temp dirs). */
export function dropBenchDatabase(db: BenchDatabase): void {
  if (db.kind === 'postgres') benchSchemas(db.url, db.prefix, true);
}
