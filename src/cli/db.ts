import { parseArgs } from 'node:util';
import { closeDb, copyDatabase, isPostgresUrl, migrationsRecorded, migrationsRecordedBefore, openDb, type Db } from '../db/index.js';

export interface DbCommandDeps {
  /** What the configuration opens (config.database): the database to migrate, or the source of a copy. */
  database: string;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- db migrate | db copy --to postgres://...[?schema=name]
  migrate    apply the pending migrations of the configured database and say how many it records
  copy       copy the configured SQLite database into an empty PostgreSQL database (or schema), in one transaction,
             and compare the row counts of every table; stop tracebot (at least its workers) first, so nothing changes`;

/** `db migrate` and `db copy --to URL`; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runDbCommand(args: string[], deps: DbCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { to: { type: 'string' } } });
  } catch (e) {
    deps.err.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  const [sub, ...extra] = parsed.positionals;
  try {
    if (sub === 'migrate' && extra.length === 0 && parsed.values.to === undefined) return migrate(deps);
    if (sub === 'copy' && extra.length === 0 && parsed.values.to !== undefined) return copy(parsed.values.to, deps);
  } catch (error) {
    // Coordinators and admins get what failed, not a stack trace; PostgreSQL's own words may quote a value: cut it.
    deps.err.write(`db ${sub}: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
  deps.err.write(`${usage}\n`);
  return 2;
}

function migrate(deps: DbCommandDeps): number {
  const before = migrationsRecordedBefore(deps.database);
  const db = openDb(deps.database);
  try {
    const after = migrationsRecorded(db);
    deps.out.write(`database migrated: ${after} migrations (${isPostgresUrl(deps.database) ? 'postgres' : 'sqlite'}), ${after - before} applied now\n`);
    return 0;
  } finally {
    closeDb(db);
  }
}

function copy(to: string, deps: DbCommandDeps): number {
  if (!isPostgresUrl(to)) {
    deps.err.write('db copy: --to must be a postgres:// URL (the copy moves the SQLite database into PostgreSQL)\n');
    return 1;
  }
  if (to === deps.database) {
    deps.err.write('db copy: the target is the configured database itself: give another database or ?schema=name\n');
    return 1;
  }
  if (isPostgresUrl(deps.database)) {
    deps.err.write('db copy: the configured database is already PostgreSQL; the copy reads a SQLite file (unset DATABASE_URL)\n');
    return 1;
  }
  let source: Db | undefined;
  let target: Db | undefined;
  try {
    source = openDb(deps.database);
    target = openDb(to);
    const r = copyDatabase(source, target);
    const counts = r.ok ? r.tables : (r.tables ?? []);
    const width = Math.max(0, ...counts.map((c) => c.table.length));
    for (const c of counts) {
      const rounded = c.rounded ? `  (${c.rounded} fractional numbers in integer columns rounded)` : '';
      deps.out.write(`${c.table.padEnd(width)}  ${c.source} -> ${c.target}${c.source === c.target ? '' : '  DIFFERS'}${rounded}\n`);
    }
    if (!r.ok) {
      deps.err.write(`db copy: ${r.detail}; nothing was written\n`);
      return 1;
    }
    const rows = counts.reduce((n, c) => n + c.source, 0);
    deps.out.write(`copied ${rows} rows in ${counts.length} tables; the counts match\n`);
    return 0;
  } finally {
    if (target) closeDb(target);
    if (source) closeDb(source);
  }
}

/** PostgreSQL quotes the offending value at the end of some messages (`invalid input syntax for type bigint: "..."`). */
const redact = (message: string): string => message.replace(/: "[^]*"\s*$/, ': "…"');
