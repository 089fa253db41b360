import type { Translated } from './sqlite-to-pg.js';

/**
 * One parameter value as a PostgreSQL literal. Every value but a fraction is an untyped quoted literal, which takes the type of what it
 * is compared with or stored into: `'5'` is a number beside a bigint column and text beside a text column, the way
 * SQLite's loose typing treats a bound value. The connection runs with standard_conforming_strings on (pg-client.ts), so
 * doubling the quote is the whole escaping. PostgreSQL text cannot hold NUL: it becomes U+FFFD rather than failing a
 * patient's message.
 */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return `'${value.replace(/\u0000/g, '\uFFFD').replace(/'/g, "''")}'`;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot store ${value} in the database`);
      // A fraction is a numeric literal, which a bigint column rounds (SQLite would keep it as a real): quoted, bigint
      // would refuse it. Parenthesised, so a minus sign never meets another one as a comment.
      return Number.isInteger(value) ? `'${value}'` : `(${value})`;
    case 'bigint':
      return `'${value}'`;
    case 'boolean':
      return value ? "'1'" : "'0'";
  }
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`;
  throw new TypeError(`cannot bind a ${Object.prototype.toString.call(value)} as a SQL parameter`);
}

/** A JSON array parameter (`IN (SELECT value FROM json_each(?))`) as a literal list; an empty list matches nothing. */
function list(value: unknown, asText: boolean): string {
  const items: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(items)) throw new TypeError('json_each expects a JSON array');
  if (items.length === 0) return 'NULL';
  return items.map((v) => literal(asText && v !== null ? String(v) : v)).join(', ');
}

const isNamed = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype;

/** A call's arguments by key (better-sqlite3's convention: positional values and/or one object of named ones). */
function argumentsOf(args: unknown[]): (key: number | string) => unknown {
  const positional: unknown[] = [];
  let named: Record<string, unknown> | undefined;
  for (const a of args) {
    if (isNamed(a)) named = a;
    else if (Array.isArray(a)) positional.push(...a);
    else positional.push(a);
  }
  return (key) => {
    if (typeof key === 'number') {
      if (key >= positional.length) throw new RangeError('Too few parameter values were provided');
      return positional[key];
    }
    if (!named || !(key in named)) throw new RangeError(`Missing named parameter "${key}"`);
    return named[key];
  };
}

/** The statement's SQL with this call's arguments inlined. */
export function bind(t: Translated, args: unknown[]): string {
  const valueOf = argumentsOf(args);
  let sql = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      sql += p;
      continue;
    }
    const value = valueOf(p.key);
    sql += p.list ? list(value, p.list === 'text') : p.limit && typeof value === 'number' && value < 0 ? 'ALL' : literal(value);
  }
  return sql;
}

/**
 * This call's arguments as the text values of a prepared statement's parameters, in `keys` order; undefined when one has no
 * exact text form there (a fraction: a bigint parameter would refuse it, where the inlined numeric rounds), so the call
 * is inlined instead.
 */
export function parameterValues(keys: (number | string)[], args: unknown[]): (string | null)[] | undefined {
  const valueOf = argumentsOf(args);
  const out: (string | null)[] = [];
  for (const key of keys) {
    const v = valueOf(key);
    if (v === null || v === undefined) out.push(null);
    else if (typeof v === 'string') out.push(v.replace(/\u0000/g, '\uFFFD'));
    else if (typeof v === 'number') {
      if (!Number.isInteger(v)) return undefined;
      out.push(String(v));
    } else if (typeof v === 'bigint') out.push(String(v));
    else if (typeof v === 'boolean') out.push(v ? '1' : '0');
    else if (v instanceof Uint8Array) out.push(`\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`);
    else throw new TypeError(`cannot bind a ${Object.prototype.toString.call(v)} as a SQL parameter`);
  }
  return out;
}
