import type { RunResult, SqlStatement } from '../sql-client.js';
import type { Translated } from './sqlite-to-pg.js';

export type QueryResult = { rows: unknown[][]; columns: string[]; changes: number };

/** What a statement needs from its connection. */
export interface StatementRunner {
  execute(t: Translated, args: unknown[]): QueryResult;
  lastInsertId(): number;
}

/** A prepared statement of the PostgreSQL client, with better-sqlite3's methods; rows as objects, or arrays after raw(). */
export class PgStatement implements SqlStatement {
  constructor(
    private readonly client: StatementRunner,
    private readonly t: Translated,
    private readonly arrays: boolean,
  ) {}

  raw(toggle = true): SqlStatement {
    return new PgStatement(this.client, this.t, toggle);
  }

  run(...params: unknown[]): RunResult {
    const changes = this.client.execute(this.t, params).changes;
    const client = this.client;
    return {
      changes,
      // Read only when asked (one more round trip): the id the insert's identity column just took in this session.
      get lastInsertRowid() {
        return client.lastInsertId();
      },
    };
  }

  get(...params: unknown[]): unknown {
    const { rows, columns } = this.client.execute(this.t, params);
    return rows.length ? this.shape(rows[0]!, columns) : undefined;
  }

  all(...params: unknown[]): unknown[] {
    const { rows, columns } = this.client.execute(this.t, params);
    return this.arrays ? rows : rows.map((r) => this.shape(r, columns));
  }

  private shape(row: unknown[], columns: string[]): unknown {
    if (this.arrays) return row;
    const o: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) o[columns[i]!] = row[i];
    return o;
  }
}
