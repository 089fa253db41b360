import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDbCommand } from '../../src/cli/db.js';
import { runDemo } from '../../src/cli/demo.js';
import { parseConfig } from '../../src/config/index.js';
import { closeDb, openDb, type Db } from '../../src/db/index.js';
import { PgClient } from '../../src/db/postgres/pg-client.js';
import { parsePostgresUrl } from '../../src/db/postgres/pg-migrate.js';

// `db copy` moves a city from SQLite to PostgreSQL without losing a row; `db migrate` says what it applied (issue 15).
// Needs TEST_DATABASE_URL (CI: postgres://postgres@127.0.0.1:5432/test).

const url = process.env.TEST_DATABASE_URL;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = Date.parse('2026-03-10T03:00:00Z');

function capture() {
  let text = '';
  return { write: (t: string) => (text += t), get text() { return text; } };
}

const schemaUrl = (schema: string) => {
  const u = new URL(url!);
  u.searchParams.set('schema', schema);
  return u.toString();
};
const tempFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'tracebot-dbcopy-')), 'tracebot.db');
const rows = (db: Db, table: string) => db.$client.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Record<string, unknown>[];
const count = (db: Db, table: string) => (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
/** A row's values by column name, independent of column order. */
const canonical = (list: Record<string, unknown>[]) => list.map((r) => JSON.stringify(Object.entries(r).sort(([a], [b]) => a.localeCompare(b))));
/**
 * The demo computes times with fractions of a millisecond, which SQLite keeps in its integer columns and PostgreSQL's bigint
 * cannot: the copy rounds them (and says how many). Every other value must arrive as it was; the real columns exactly.
 */
const REAL_COLUMNS = new Set(['latitude', 'longitude']);
const roundedTimes = (list: Record<string, unknown>[]) =>
  list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !REAL_COLUMNS.has(k) ? Math.round(v) : v])));

describe.skipIf(!url)('npm run cli -- db copy / db migrate (PostgreSQL)', () => {
  const tag = `${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const schemas: string[] = [];
  const newSchema = (name: string) => {
    const s = `dbcopy_${name}_${tag}`;
    schemas.push(s);
    return schemaUrl(s);
  };
  let sourceFile: string;

  beforeAll(() => {
    sourceFile = tempFile();
    const db = openDb(sourceFile);
    const config = parseConfig({}, ROOT);
    const r = runDemo(db, { now: NOW, seed: 42, flowsDir: path.join(ROOT, 'flows'), monitoringPolicy: config.monitoringPolicy });
    if (!r.ok) throw new Error(r.detail);
    closeDb(db);
  }, 120_000);

  afterAll(() => {
    if (!schemas.length) return;
    // A bare connection: openDb would migrate the database's public schema.
    const admin = new PgClient(parsePostgresUrl(url!).conninfo);
    try {
      for (const s of schemas) admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    } finally {
      admin.close();
    }
  });

  it('copies every row of a SQLite city into an empty schema, counts checked, ids continuing after the copy', async () => {
    const to = newSchema('main');
    const out = capture();
    const err = capture();
    expect(await runDbCommand(['copy', '--to', to], { database: sourceFile, out, err }), err.text).toBe(0);
    expect(err.text).toBe('');
    expect(out.text).toMatch(/copied \d+ rows in \d+ tables; the counts match/);

    const source = openDb(sourceFile);
    const target = openDb(to);
    try {
      for (const table of ['cases', 'contacts', 'exposures', 'conversations', 'messages', 'answers', 'escalations', 'flow_versions', 'users']) {
        const n = count(source, table);
        expect(n, table).toBeGreaterThan(0);
        expect(count(target, table), table).toBe(n);
        expect(out.text).toMatch(new RegExp(`^${table}\\s+${n} -> ${n}( |$)`, 'm'));
      }
      // Value for value: every case, message, answer, contact and place, each column.
      for (const table of ['cases', 'messages', 'answers', 'contacts', 'places_visited']) {
        expect(canonical(rows(target, table)), table).toEqual(canonical(roundedTimes(rows(source, table))));
      }
      expect(out.text).toMatch(/^messages\s+\d+ -> \d+ {2}\(\d+ fractional numbers in integer columns rounded\)$/m);
      // The output names tables and counts only, never a patient's name or number.
      for (const c of rows(source, 'cases').slice(0, 10)) {
        expect(out.text).not.toContain(String(c.name));
        expect(out.text).not.toContain(String(c.phone));
      }
      // Sequences moved past the copied ids: the next insert gets a fresh one. (Raw SQL, as the repositories' own inserts
      // write it: drizzle's insert builder sends `null` for the id, which PostgreSQL refuses; reported to the lead.)
      const maxId = (db: Db, table: string) => (db.$client.prepare(`SELECT max(id) AS m FROM ${table}`).get() as { m: number }).m;
      for (const table of ['audit_log', 'messages']) expect(maxId(target, table), table).toBeGreaterThan(0);
      const audit = target.$client.prepare(`INSERT INTO audit_log (at, actor_kind, action) VALUES (?, 'system', 'test.after_copy') RETURNING id`).get(NOW);
      expect(audit).toEqual({ id: maxId(source, 'audit_log') + 1 });
      const conversationId = (rows(target, 'conversations')[0] as { id: number }).id;
      const message = target.$client
        .prepare(`INSERT INTO messages (conversation_id, direction, sender, kind, channel, status, text, created_at) VALUES (?, 'note', 'system', 'text', 'fake', 'sent', 'x', ?) RETURNING id`)
        .get(conversationId, NOW);
      expect(message).toEqual({ id: maxId(source, 'messages') + 1 });
    } finally {
      closeDb(source);
      closeDb(target);
    }

    // A second copy into the same schema is refused, and changes nothing.
    const target2 = openDb(to);
    const messagesBefore = count(target2, 'messages');
    closeDb(target2);
    const again = capture();
    const againErr = capture();
    expect(await runDbCommand(['copy', '--to', to], { database: sourceFile, out: again, err: againErr })).toBe(1);
    expect(againErr.text).toMatch(/already holds rows .*empty database or a new schema/);
    expect(againErr.text).toContain('nothing was written');
    const target3 = openDb(to);
    expect(count(target3, 'messages')).toBe(messagesBefore);
    closeDb(target3);
  }, 180_000);

  it('refuses a target that is not PostgreSQL, the source itself, or unreachable, with a clear message and no stack trace', async () => {
    const run = async (args: string[]) => {
      const out = capture();
      const err = capture();
      const code = await runDbCommand(args, { database: sourceFile, out, err });
      return { code, out: out.text, err: err.text };
    };
    expect(await run(['copy', '--to', tempFile()])).toMatchObject({ code: 1, err: expect.stringMatching(/--to must be a postgres:\/\/ URL/) });
    const unreachable = await run(['copy', '--to', 'postgres://postgres@127.0.0.1:1/x']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/^db copy: cannot connect to PostgreSQL/);
    expect(unreachable.err).not.toMatch(/\n\s+at /);
    expect(unreachable.out).toBe('');
    const self = newSchema('self');
    const sameAsSource = await runDbCommand(['copy', '--to', self], { database: self, out: capture(), err: capture() });
    expect(sameAsSource).toBe(1);
    expect(await run(['copy'])).toMatchObject({ code: 2 });

    // A source column the target has no place for (another tracebot version) would be lost: refused, nothing written.
    const newer = tempFile();
    const db = openDb(newer);
    db.$client.exec(`ALTER TABLE cases ADD COLUMN zz_extra TEXT; INSERT INTO users (email, name, role, password_hash) VALUES ('a@example.org', 'A', 'admin', 'x')`);
    closeDb(db);
    const to = newSchema('newer');
    const err = capture();
    expect(await runDbCommand(['copy', '--to', to], { database: newer, out: capture(), err })).toBe(1);
    expect(err.text).toMatch(/^db copy: the target has no place for cases\.zz_extra: run the same tracebot version on both databases; nothing was written\n$/);
    const target = openDb(to);
    expect(count(target, 'users')).toBe(0);
    closeDb(target);
  });

  it('runs as a real command: npm run cli -- db copy --to URL', () => {
    const to = newSchema('process');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-dbcopy-data-'));
    const env = { ...process.env, DATABASE_FILE: sourceFile, DATA_DIR: dataDir, DATABASE_URL: '' };
    delete (env as Record<string, string | undefined>).DATABASE_URL;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'db', 'copy', '--to', to], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cases\s+(\d+) -> \1\b/m);
    expect(r.stdout).toMatch(/the counts match/);
  }, 150_000);

  it('db migrate applies the pending migrations of SQLite and PostgreSQL, and nothing on a second run', async () => {
    for (const database of [tempFile(), newSchema('migrate')]) {
      const first = capture();
      expect(await runDbCommand(['migrate'], { database, out: first, err: capture() })).toBe(0);
      const m = /^database migrated: (\d+) migrations \((sqlite|postgres)\), (\d+) applied now\n$/.exec(first.text);
      expect(m, first.text).not.toBeNull();
      expect(m![2]).toBe(database.startsWith('postgres') ? 'postgres' : 'sqlite');
      expect(Number(m![1])).toBeGreaterThan(0);
      expect(m![3]).toBe(m![1]);
      const second = capture();
      expect(await runDbCommand(['migrate'], { database, out: second, err: capture() })).toBe(0);
      expect(second.text).toBe(`database migrated: ${m![1]} migrations (${m![2]}), 0 applied now\n`);
    }
  });
});
