import type { Db } from '../client.js';
import type { SqlStatement } from '../sql-client.js';

/**
 * Statements prepared on first use and kept for the connection's life, keyed by their SQL text: repositories write SQL
 * where it is used and still prepare each statement once.
 */
export function statementCache(db: Db): (sql: string) => SqlStatement {
  const cache = new Map<string, SqlStatement>();
  return (sql) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.$client.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
}
