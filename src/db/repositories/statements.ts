import type { Statement } from 'better-sqlite3';
import type { Db } from '../client.js';

/**
 * Statements prepared on first use and kept for the connection's life, keyed by their SQL text: repositories write SQL
 * where it is used and still prepare each statement once.
 */
export function statementCache(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.$client.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
}
