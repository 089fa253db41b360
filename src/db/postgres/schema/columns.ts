import { sql } from 'drizzle-orm';
import { bigint, customType } from 'drizzle-orm/pg-core';

// Column builders of the PostgreSQL mirror (issue 15). The application runs the same SQL, with the same values, on SQLite
// and on PostgreSQL, so each column keeps SQLite's storage: integers (ids, epoch-ms times, counters, 0/1 flags) are bigint
// read as JS numbers, and text compares byte-wise as SQLite's BINARY collation does. The SQLite schema (src/db/schema*.ts)
// is the source of truth, and tests/db/schema-parity.test.ts keeps this mirror equal to it.

/** Text compared byte-wise (COLLATE "C"), as SQLite compares it: equality, ORDER BY, ranges and unique indexes agree. */
export const text = customType<{ data: string; driverData: string }>({ dataType: () => 'text COLLATE "C"' });

/** A SQLite `integer`: bigint, returned as a JS number (every value the application stores is below 2^53). */
export const int = (name: string) => bigint(name, { mode: 'number' });

/** An integer primary key that numbers itself like SQLite's, and still accepts explicit ids (copying a database over). */
export const id = (name = 'id') => int(name).primaryKey().generatedByDefaultAsIdentity();

/** The SQLite default `CAST(unixepoch('subsec') * 1000 AS INTEGER)`: epoch ms when the statement started. */
export const now = sql`(floor(extract(epoch from statement_timestamp()) * 1000))::bigint`;
