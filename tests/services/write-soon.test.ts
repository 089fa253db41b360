import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { writeSoon } from '../../src/services/write-soon.js';
import { tempDb } from '../support/temp-db.js';
import { testDatabaseKind } from '../support/test-db.js';

describe('a write that waits for another process without freezing this one', () => {
  // The other connection is a better-sqlite3 one to the test's file: SQLite-only.
  it.skipIf(testDatabaseKind() === 'postgres')('keeps the event loop running while another connection holds the write lock, then commits once it is free', async () => {
    const { db, file } = tempDb();
    db.$client.exec(`CREATE TABLE t (v TEXT NOT NULL)`);
    const tx = createRepositories(db).transactions;
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    expect(tx.tryTransaction(() => 1)).toBeUndefined();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      const written = writeSoon(tx, () => db.$client.prepare(`INSERT INTO t (v) VALUES ('x')`).run().changes);
      await new Promise((r) => setTimeout(r, 60));
      // Still waiting for the lock, and this process went on meanwhile (SQLite's busy handler would have slept here).
      expect(db.$client.prepare(`SELECT count(*) AS n FROM t`).get()).toEqual({ n: 0 });
      expect(ticks).toBeGreaterThan(5);
      other.exec('COMMIT');
      expect(await written).toBe(1);
      expect(db.$client.prepare(`SELECT v FROM t`).all()).toEqual([{ v: 'x' }]);
      expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    } finally {
      clearInterval(ticker);
      other.close();
    }
  });

  it('rolls back what the function wrote when it throws, and says why', async () => {
    const { db } = tempDb();
    db.$client.exec(`CREATE TABLE t (v TEXT NOT NULL)`);
    const tx = createRepositories(db).transactions;
    await expect(
      writeSoon(tx, () => {
        db.$client.prepare(`INSERT INTO t (v) VALUES ('y')`).run();
        throw new Error('turn failed');
      }),
    ).rejects.toThrow('turn failed');
    expect(db.$client.prepare(`SELECT count(*) AS n FROM t`).get()).toEqual({ n: 0 });
    expect(db.$client.inTransaction).toBe(false);
  });
});
