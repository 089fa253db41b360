import type { TransactionRunner } from '../../domain/repositories/index.js';
import { tx, type Db } from '../client.js';

/** The SQLite transaction runner over one connection. */
export function createTransactionRunner(db: Db): TransactionRunner {
  return {
    transaction: (fn) => (db.$client.inTransaction ? fn() : tx(db, fn)),
  };
}
