import { describe, expect, it } from 'vitest';
import { openDb, sqliteHandle } from '../../src/db/index.js';
import { sqliteTablesInOrder } from '../../src/db/copy-tables.js';

// `db copy` inserts parents before children: PostgreSQL checks foreign keys at once (issue 15).
describe('the tables of a SQLite database in foreign-key order', () => {
  it('puts every table after the tables it references, and leaves out SQLite and drizzle bookkeeping', () => {
    const db = openDb(':memory:');
    const tables = sqliteTablesInOrder(sqliteHandle(db));
    const position = new Map(tables.map((t, i) => [t.name, i]));
    expect(position.has('__drizzle_migrations')).toBe(false);
    expect([...position.keys()].some((n) => n.startsWith('sqlite_'))).toBe(false);
    for (const t of tables) for (const p of t.parents) expect(position.get(p)!, `${p} before ${t.name}`).toBeLessThan(position.get(t.name)!);
    expect(position.get('cases')!).toBeLessThan(position.get('conversations')!);
    expect(position.get('conversations')!).toBeLessThan(position.get('messages')!);
  });

  it('accepts a table that references itself and names a cycle between tables', () => {
    const db = openDb(':memory:');
    const sqlite = sqliteHandle(db);
    sqlite.exec(`CREATE TABLE zz_tree (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES zz_tree(id))`);
    expect(sqliteTablesInOrder(sqlite).find((t) => t.name === 'zz_tree')?.parents).toEqual([]);
    sqlite.exec(`CREATE TABLE zz_a (id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES zz_b(id));
                 CREATE TABLE zz_b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES zz_a(id))`);
    expect(() => sqliteTablesInOrder(sqlite)).toThrow(/zz_a -> zz_b -> zz_a reference each other in a cycle/);
  });
});
