import type { Transaction } from 'better-sqlite3';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- better-sqlite3 declares transaction functions so
export type VariableArgFunction = (...params: any[]) => unknown;

/**
 * The synchronous SQL client the repositories talk to: the part of better-sqlite3's API they use. better-sqlite3 is one
 * implementation; `postgres/pg-client.ts` (libpq in blocking mode) is the other, so one set of repositories, written in
 * SQLite's SQL, serves both databases.
 */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface SqlStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows as arrays of values in column order (the query builder reads them so). */
  raw(toggle?: boolean): SqlStatement;
}

/** better-sqlite3's transaction function type: callable, with `.immediate()` and the other modes. */
export type TransactionFunction<F extends VariableArgFunction> = Transaction<F>;

export interface SqlClient {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  /** Wrap `fn` in a transaction; called inside one, it runs in a SAVEPOINT. */
  transaction<F extends VariableArgFunction>(fn: F): TransactionFunction<F>;
  readonly inTransaction: boolean;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): unknown;
}

export type Engine = 'sqlite' | 'postgres';

/** True for a PostgreSQL connection URL (the other targets are SQLite file paths and ':memory:'). */
export const isPostgresUrl = (target: string): boolean => /^postgres(ql)?:\/\//i.test(target);
