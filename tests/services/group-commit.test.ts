import { describe, expect, it } from 'vitest';
import { createRepositories, sqliteHandle } from '../../src/db/index.js';
import type { TransactionRunner } from '../../src/domain/repositories/index.js';
import { GroupCommit } from '../../src/services/group-commit.js';
import { tempDb } from '../support/temp-db.js';
import { testDatabaseKind } from '../support/test-db.js';

function setUp() {
  const { db } = tempDb();
  db.$client.exec(`CREATE TABLE t (v TEXT NOT NULL UNIQUE)`);
  const real = createRepositories(db).transactions;
  let transactions = 0;
  const counted: TransactionRunner = {
    transaction: (fn) => {
      transactions++;
      return real.transaction(fn);
    },
    savepoint: (fn) => real.savepoint(fn),
    tryTransaction: (fn) => {
      transactions++;
      return real.tryTransaction(fn);
    },
  };
  const insert = db.$client.prepare(`INSERT INTO t (v) VALUES (?)`);
  const rows = () => (db.$client.prepare(`SELECT v FROM t ORDER BY rowid`).all() as { v: string }[]).map((r) => r.v);
  return { db, group: new GroupCommit(counted), insert, rows, transactions: () => transactions };
}

describe('group commit', () => {
  it('writes what is asked in one tick in one transaction, in order, and answers each caller', async () => {
    const { group, insert, rows, transactions } = setUp();
    const results = await Promise.all(['a', 'b', 'c'].map((v) => group.run(() => insert.run(v).changes)));
    expect(results).toEqual([1, 1, 1]);
    expect(rows()).toEqual(['a', 'b', 'c']);
    expect(transactions()).toBe(1);
    await group.run(() => insert.run('d'));
    expect(transactions()).toBe(2);
  });

  it('undoes only the write that failed and tells only its caller', async () => {
    const { group, insert, rows } = setUp();
    const outcomes = await Promise.allSettled([
      group.run(() => insert.run('x')),
      group.run(() => {
        insert.run('y');
        insert.run('x'); // violates UNIQUE: this caller's 'y' must go too
      }),
      group.run(() => insert.run('z')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual(['x', 'z']);
  });

  // Holding SQLite's write lock from a second connection to the file is SQLite-only.
  it.skipIf(testDatabaseKind() === 'postgres')('fails every caller when the transaction itself cannot commit (another connection holds the write lock)', async () => {
    const { db, group, insert, rows } = setUp();
    db.$client.pragma('busy_timeout = 0');
    const other = new (db.$client.constructor as new (file: string) => typeof db.$client)(sqliteHandle(db).name);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const outcomes = await Promise.allSettled([group.run(() => insert.run('p')), group.run(() => insert.run('q'))]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(rows()).toEqual([]);
  });
});
