import { loadLibpq, type Libpq } from './libpq-binding.js';
import type { SqlClient, SqlStatement, TransactionFunction, VariableArgFunction } from '../sql-client.js';
import { PgStatement, type QueryResult, type StatementRunner } from './pg-statement.js';
import { bind, parameterValues } from './pg-literal.js';
import { preparedForm, translate, type Translated } from './sqlite-to-pg.js';




/** How a statement runs on this connection: its prepared form (none: inlined), and its name once prepared. */
interface Plan {
  form: ReturnType<typeof preparedForm>;
  name: string | undefined;
  generation: number;
}

/** An error from PostgreSQL; `code` is its SQLSTATE (23505 unique violation, 08006 connection failure, ...). */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'PgError';
  }
}

const NUMERIC = new Set([20, 21, 23, 26, 700, 701, 1700]);
const BOOL = 16;
const BYTEA = 17;

function cell(pq: Libpq, row: number, col: number, type: number): unknown {
  if (pq.getisnull(row, col)) return null;
  const v = pq.getvalue(row, col);
  if (NUMERIC.has(type)) return Number(v);
  // SQLite has no booleans: a comparison reads as 1 or 0 there, and the repositories expect that.
  if (type === BOOL) return v === 't' ? 1 : 0;
  if (type === BYTEA) return Buffer.from(v.slice(2), 'hex');
  return v;
}

/**
 * A synchronous PostgreSQL connection (libpq in blocking mode) with better-sqlite3's API, over SQL written for SQLite
 * (`sqlite-to-pg.ts`). Synchronous like the embedded database, so the repositories and the one-transaction turn stay as
 * they are. A top-level transaction first takes a transaction-scoped advisory lock named by the schema: writers queue
 * one at a time, as on SQLite, so two workers never interleave turns even when the Redis chat lock is lost.
 */
export class PgClient implements SqlClient, StatementRunner {
  private pq: Libpq;
  private depth = 0;
  private lockKey = 0;
  /** The connection failed (server restarted, failed over, network): the next statement opens a new one first. */
  private broken = false;

  constructor(
    private readonly conninfo: string,
    private readonly schema?: string,
  ) {
    this.pq = this.connect();
    // Before anything else: libpq prints the server's notices ("schema already exists, skipping") to stderr.
    this.execRaw('SET client_min_messages = error');
    if (schema) {
      try {
        this.execRaw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      } catch (error) {
        // Two processes creating the same schema at once: the loser sees a duplicate; the schema is there either way.
        if (!(error instanceof PgError && (error.code === '23505' || error.code === '42P06'))) throw error;
      }
    }
    this.setUpSession();
    this.lockKey = Number(this.query("SELECT hashtext('tracebot:' || current_schema()) AS k").rows[0]![0]);
  }

  private connect(): Libpq {
    const Ctor = loadLibpq();
    const pq = new Ctor();
    try {
      pq.connectSync(this.conninfo);
    } catch (error) {
      const why = pq.errorMessage().trim() || String(error);
      pq.finish();
      throw new PgError(`cannot connect to PostgreSQL: ${why}`, '08001');
    }
    return pq;
  }

  /**
   * Session settings. lock_timeout: a writer waits for the write lock at most 5 s, as SQLite's busy_timeout, then fails as
   * an outage (55P03) and its work is tried again, instead of freezing the process behind a stuck holder. Transactions never
   * wait on anything but the database, so one idle for 30 s belongs to a process that is gone or frozen: the server ends
   * it and releases its lock.
   */
  private setUpSession(): void {
    const search = this.schema ? `; SET search_path TO "${this.schema}"` : '';
    this.execRaw(
      `SET standard_conforming_strings = on; SET client_min_messages = error; SET TIME ZONE 'UTC'; SET lock_timeout = '5s'; SET idle_in_transaction_session_timeout = '30s'${search}`,
    );
  }

  /**
   * Open a new connection in place of a failed one. A transaction that was open died with the old connection (its caller
   * already saw the error), so this one starts outside any.
   */
  private reconnect(): void {
    const pq = this.connect();
    this.pq.finish();
    this.pq = pq;
    this.broken = false;
    this.depth = 0;
    // Prepared statements lived on the old connection.
    this.generation++;
    this.setUpSession();
  }

  /** Run one SQL text as it is; throw a PgError when PostgreSQL refused it. */
  private execRaw(sql: string): void {
    if (this.broken) this.reconnect();
    this.pq.exec(sql);
    this.check();
  }

  /** Throw a PgError when the last command failed; a failed connection is replaced before the next statement. */
  private check(): void {
    const status = this.pq.resultStatus();
    if (status === 'PGRES_FATAL_ERROR' || status === 'PGRES_BAD_RESPONSE' || status === 'PGRES_NONFATAL_ERROR') {
      const fields = this.pq.resultErrorFields();
      // No SQLSTATE: the error came from libpq itself, i.e. the connection (08006, connection failure).
      const code = fields?.sqlState ?? '08006';
      if (code.startsWith('08') || code.startsWith('57P')) this.broken = true;
      throw new PgError(fields?.messagePrimary ?? (this.pq.resultErrorMessage().trim() || this.pq.errorMessage().trim()), code);
    }
  }

  /** Run `sql`; the result's rows as arrays, the column names, and the count of rows changed. */
  query(sql: string): QueryResult {
    this.execRaw(sql);
    return this.result();
  }

  /**
   * Run a translated statement with a call's arguments: as a server-side prepared statement (parsed and planned once per
   * connection, about half the server's time per statement here), or with the values inlined when the statement or a
   * value has no prepared form, or PostgreSQL could not prepare it (a parameter whose type it cannot tell).
   */
  execute(t: Translated, args: unknown[]): QueryResult {
    const plan = this.plans.get(t) ?? this.plan(t);
    const values = plan.form && parameterValues(plan.form.keys, args);
    if (plan.form && values) {
      const name = this.ensurePrepared(t, plan);
      if (name) {
        this.pq.execPrepared(name, values);
        this.check();
        return this.result();
      }
    }
    return this.query(bind(t, args));
  }

  private readonly plans = new Map<Translated, Plan>();
  private generation = 0;
  private prepares = 0;

  private plan(t: Translated): Plan {
    const form = preparedForm(t);
    const plan: Plan = { form, name: undefined, generation: -1 };
    this.plans.set(t, plan);
    return plan;
  }

  /** The prepared statement's name on this connection, preparing it first; undefined when PostgreSQL refused to. */
  private ensurePrepared(t: Translated, plan: Plan): string | undefined {
    if (this.broken) this.reconnect();
    if (plan.name && plan.generation === this.generation) return plan.name;
    const name = `tb_${++this.prepares}`;
    // A refused prepare inside a transaction would abort it: a savepoint keeps the transaction usable.
    const guard = this.inTransaction;
    if (guard) this.execRaw('SAVEPOINT tb_prepare');
    this.pq.prepare(name, plan.form!.sql, plan.form!.keys.length);
    const status = this.pq.resultStatus();
    const sqlState = this.pq.resultErrorFields()?.sqlState;
    if (status === 'PGRES_COMMAND_OK') {
      if (guard) this.execRaw('RELEASE SAVEPOINT tb_prepare');
      Object.assign(plan, { name, generation: this.generation });
      return name;
    }
    if (sqlState === undefined || sqlState.startsWith('08') || sqlState.startsWith('57P')) this.check();
    if (guard) this.execRaw('ROLLBACK TO SAVEPOINT tb_prepare; RELEASE SAVEPOINT tb_prepare');
    plan.form = undefined;
    return undefined;
  }

  private result(): QueryResult {
    const pq = this.pq;
    const n = pq.ntuples();
    const f = pq.nfields();
    const columns: string[] = [];
    const types: number[] = [];
    for (let c = 0; c < f; c++) {
      columns.push(pq.fname(c));
      types.push(pq.ftype(c));
    }
    const rows: unknown[][] = [];
    for (let r = 0; r < n; r++) {
      const row: unknown[] = [];
      for (let c = 0; c < f; c++) row.push(cell(pq, r, c, types[c]!));
      rows.push(row);
    }
    return { rows, columns, changes: Number(pq.cmdTuples()) || 0 };
  }

  /** The value the last identity (sequence) handed out in this session, as SQLite's last_insert_rowid(); 0 before any. */
  lastInsertId(): number {
    if (this.inTransaction) return Number(this.query('SELECT lastval()').rows[0]![0]);
    try {
      return Number(this.query('SELECT lastval()').rows[0]![0]);
    } catch {
      return 0;
    }
  }

  prepare(sql: string): SqlStatement {
    return new PgStatement(this, this.translated(sql), false);
  }

  /**
   * The query builder prepares its SQL again on every call; the translation is kept per text (bounded: texts built with
   * values inside would otherwise grow it without end).
   */
  private readonly translations = new Map<string, Translated>();
  private forgetStatements(): void {
    this.translations.clear();
    this.plans.clear();
    if (!this.broken) this.execRaw('DEALLOCATE ALL');
  }
  private translated(sql: string): Translated {
    let t = this.translations.get(sql);
    if (!t) {
      t = translate(sql);
      if (this.translations.size >= 2000) this.forgetStatements();
      this.translations.set(sql, t);
    }
    return t;
  }

  exec(sql: string): this {
    if (/^\s*BEGIN\b/i.test(sql)) this.begin(false);
    else this.query(bind(this.translated(sql), []));
    return this;
  }

  get inTransaction(): boolean {
    if (this.broken) return false;
    const status = this.pq.transactionStatus();
    return status === 2 || status === 3;
  }

  /**
   * BEGIN and take the schema's write lock. With `tryOnly`, give up at once when another connection holds it (false), like
   * SQLite's BEGIN IMMEDIATE without a busy timeout.
   */
  begin(tryOnly: boolean): boolean {
    const fn = tryOnly ? 'pg_try_advisory_xact_lock' : 'pg_advisory_xact_lock';
    let rows: unknown[][];
    try {
      ({ rows } = this.query(`BEGIN; SELECT ${fn}(${this.lockKey})`));
    } catch (error) {
      // BEGIN went through and the lock did not (a lock timeout): leave no aborted transaction behind.
      this.rollbackQuietly('ROLLBACK');
      throw error;
    }
    if (tryOnly && rows[0]?.[0] !== 1) {
      this.execRaw('ROLLBACK');
      return false;
    }
    return true;
  }

  transaction<F extends VariableArgFunction>(fn: F): TransactionFunction<F> {
    const run = (...args: Parameters<F>): ReturnType<F> => {
      if (!this.inTransaction) {
        this.begin(false);
        try {
          const value = fn(...args) as ReturnType<F>;
          this.execRaw('COMMIT');
          return value;
        } catch (error) {
          this.rollbackQuietly('ROLLBACK');
          throw error;
        }
      }
      const name = `tb_sp${++this.depth}`;
      this.execRaw(`SAVEPOINT ${name}`);
      try {
        const value = fn(...args) as ReturnType<F>;
        this.execRaw(`RELEASE SAVEPOINT ${name}`);
        return value;
      } catch (error) {
        this.rollbackQuietly(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
        throw error;
      } finally {
        this.depth--;
      }
    };
    // One kind of transaction here: every top-level one takes the write lock, like SQLite's IMMEDIATE.
    return Object.assign(run, { default: run, immediate: run, deferred: run, exclusive: run }) as unknown as TransactionFunction<F>;
  }

  /** Undo after a failure; a connection that is gone has nothing left to undo, and the first error is the one to report. */
  private rollbackQuietly(sql: string): void {
    try {
      this.execRaw(sql);
    } catch {
      /* the caller rethrows the original error */
    }
  }

  /** SQLite's tuning switches mean nothing here; answers for the ones read back say what PostgreSQL does instead. */
  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const name = source.split('=')[0]!.trim().toLowerCase();
    const value = name === 'journal_mode' ? 'postgres' : name === 'foreign_keys' ? 1 : name === 'busy_timeout' ? 0 : null;
    return options.simple ? value : [{ [name]: value }];
  }

  close(): void {
    this.pq.finish();
  }
}
