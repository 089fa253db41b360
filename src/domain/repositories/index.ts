/**
 * Ports for persistence: every service reads and writes through these interfaces, never through drizzle or SQL.
 * Methods are synchronous because the embedded database (better-sqlite3) is; `transaction` runs its function in one
 * IMMEDIATE transaction so a whole turn commits or nothing does. Implementations live in `src/db/repositories/`.
 */
export interface TransactionRunner {
  /** Run `fn` in one write transaction; a throw rolls everything back. Nested calls join the outer transaction. */
  transaction<T>(fn: () => T): T;
}
