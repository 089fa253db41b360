import { createRequire } from 'node:module';

/** The part of the `libpq` binding used here (it ships no types). */
export interface Libpq {
  connectSync(conninfo: string): void;
  exec(sql: string): void;
  prepare(name: string, sql: string, nParams: number): void;
  execPrepared(name: string, values: (string | null)[]): void;
  resultStatus(): string;
  resultErrorFields(): Record<string, string | undefined> | undefined;
  resultErrorMessage(): string;
  errorMessage(): string;
  ntuples(): number;
  nfields(): number;
  fname(i: number): string;
  ftype(i: number): number;
  getvalue(row: number, col: number): string;
  getisnull(row: number, col: number): boolean;
  cmdTuples(): string;
  /** PQtransactionStatus: 0 idle, 1 active, 2 in a transaction, 3 in a failed transaction, 4 unknown (connection bad). */
  transactionStatus(): number;
  finish(): void;
}

const require = createRequire(import.meta.url);

/**
 * The `libpq` binding's class. It is an optional dependency: it builds only where libpq's headers are installed, and
 * SQLite deployments need neither.
 */
export function loadLibpq(): new () => Libpq {
  try {
    return require('libpq') as new () => Libpq;
  } catch {
    throw new Error('PostgreSQL needs the libpq package: install libpq-dev (Debian/Ubuntu), then run npm rebuild libpq');
  }
}
