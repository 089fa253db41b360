/**
 * SQLite's SQL, as the repositories write it, turned into PostgreSQL's. The repositories keep one SQL text per statement;
 * the forms where the two databases differ are few and are rewritten here, once per prepared statement:
 * - parameters (`?`, `?NNN`, `@name`, `:name`, `$name`) become slots: `$n` of a server-side prepared statement
 *   (`preparedForm`), or, where that cannot be, quoted literals filled per call (`pg-literal.ts`);
 * - `IN (SELECT value FROM json_each(?))` (a JSON array of ids) becomes a literal list;
 * - camelCase aliases are quoted (PostgreSQL folds unquoted names to lower case);
 * - the query builder's `null` for an insert's missing value becomes `DEFAULT`;
 * - `LIKE` becomes `ILIKE` (SQLite's LIKE ignores case), `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`,
 *   `IS ?` becomes `IS NOT DISTINCT FROM ?`, scalar `max`/`min` become `GREATEST`/`LEAST`, `INDEXED BY` goes,
 *   `WHERE 1` becomes `WHERE TRUE`, a negative `LIMIT` becomes `LIMIT ALL`, `AS INTEGER`/`AS REAL` take 64 bits.
 * Anything else SQLite-only has a PostgreSQL form of its own in its repository (`db.engine`).
 */
export type Slot = { key: number | string; list?: 'value' | 'text'; limit?: true };
export type Part = string | Slot;

export interface Translated {
  parts: Part[];
  /** Number of anonymous `?` parameters (they take positional arguments in order). */
  positional: number;
}

const MARK = '\u0000';
const PARAM = /^(\?\d*|[@:$][A-Za-z_]\w*)/;

/** Cut string literals and parameters out of `sql` so the rewrites below cannot touch their contents. */
function mask(sql: string): { text: string; strings: string[]; slots: Slot[]; positional: number } {
  const strings: string[] = [];
  const slots: Slot[] = [];
  let positional = 0;
  let text = '';
  for (let i = 0; i < sql.length; ) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j++;
          else break;
        }
      }
      const literal = sql.slice(i, j + 1);
      if (ch === "'") {
        text += `${MARK}S${strings.length}${MARK}`;
        strings.push(literal);
      } else text += literal;
      i = j + 1;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (ch === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
    } else {
      const m = '?@:$'.includes(ch) ? PARAM.exec(sql.slice(i)) : null;
      if (m) {
        const token = m[1]!;
        const key = token === '?' ? positional++ : token.startsWith('?') ? Number(token.slice(1)) - 1 : token.slice(1);
        text += `${MARK}P${slots.length}${MARK}`;
        slots.push({ key });
        i += token.length;
      } else {
        text += ch;
        i++;
      }
    }
  }
  return { text, strings, slots, positional };
}

const P = `${MARK}P(\\d+)${MARK}`;

const REWRITES: [RegExp, string][] = [
  [/\bINDEXED\s+BY\s+\w+/gi, ''],
  [/\bNOT\s+INDEXED\b/gi, ''],
  [new RegExp(`\\bIS\\s+NOT\\s+(${P})`, 'gi'), 'IS DISTINCT FROM $1'],
  [new RegExp(`\\bIS\\s+(${P})`, 'gi'), 'IS NOT DISTINCT FROM $1'],
  [/\bLIKE\b/gi, 'ILIKE'],
  // `WHERE 1 AND ...` (a list of conditions built in code): PostgreSQL wants a boolean.
  [/\bWHERE\s+1(?=\s)/gi, 'WHERE TRUE'],
  [/\bAS\s+REAL\b/gi, 'AS DOUBLE PRECISION'],
  // SQLite's INTEGER is 64 bits; PostgreSQL's is 32 (epoch milliseconds would overflow it).
  [/\bAS\s+INTEGER\b/gi, 'AS BIGINT'],
];

/** SQLite's scalar max(a, b, ...) and min(a, b, ...) (more than one argument) are GREATEST and LEAST. */
function scalarMinMax(text: string): string {
  const re = /\b(max|min)\(/gi;
  let out = '';
  let from = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 0;
    let commas = 0;
    let end = m.index + m[0].length;
    for (; end < text.length; end++) {
      const ch = text[end];
      if (ch === '(') depth++;
      else if (ch === ')') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) commas++;
    }
    if (commas === 0) continue;
    out += `${text.slice(from, m.index)}${m[1]!.toLowerCase() === 'max' ? 'GREATEST' : 'LEAST'}(`;
    from = m.index + m[0].length;
  }
  return out + text.slice(from);
}

/** Translate one statement (or a script of several, without parameters). */
export function translate(sql: string): Translated {
  const masked = mask(sql);
  let text = masked.text;
  const ignore = /^\s*INSERT\s+OR\s+IGNORE\s+INTO\b/i.test(text);
  if (ignore) text = text.replace(/^\s*INSERT\s+OR\s+IGNORE\s+INTO\b/i, 'INSERT INTO');
  if (/^\s*(INSERT|REPLACE)\s+OR\s+\w+/i.test(text) || /^\s*REPLACE\s+INTO/i.test(text)) {
    throw new Error('INSERT OR REPLACE has no PostgreSQL translation: write ON CONFLICT ... DO UPDATE');
  }
  // drizzle's SQLite insert builder writes `null` for a column it has no value for (the id among them), which SQLite reads
  // as "assign one"; PostgreSQL's form is DEFAULT. Only the builder writes lower-case `insert into "`; raw SQL's NULL stays.
  if (/^\s*insert into "/.test(text)) text = text.replace(/\bnull\b/g, 'DEFAULT');
  for (const [re, to] of REWRITES) text = text.replace(re, to);
  text = scalarMinMax(text);
  // The query builder qualifies the conflict target's columns with their table, which PostgreSQL refuses there.
  text = text.replace(/\bon\s+conflict\s*\(([^)]*)\)/gi, (all, cols: string) => all.replace(cols, cols.replace(/"[^"]+"\./g, '')));
  // Columns are snake_case, so a camelCase name is an alias (`AS caseId`, or `ORDER BY lastActivityAt` naming one).
  text = text.replace(/(?<!["\w.])([a-z][a-z0-9_]*[A-Z]\w*)(?!["\w])/g, '"$1"');
  text = text.replace(
    new RegExp(`\\bIN\\s*\\(\\s*SELECT\\s+(CAST\\(\\s*value\\s+AS\\s+TEXT\\s*\\)|value)\\s+FROM\\s+json_each\\(\\s*${P}\\s*\\)\\s*\\)`, 'gi'),
    (_all, what: string, n: string) => {
      masked.slots[Number(n)]!.list = what.toLowerCase() === 'value' ? 'value' : 'text';
      return `IN (${MARK}P${n}${MARK})`;
    },
  );
  // SQLite reads a negative LIMIT as no limit; PostgreSQL's spelling is LIMIT ALL.
  for (const m of text.matchAll(new RegExp(`\\bLIMIT\\s+${P}`, 'gi'))) masked.slots[Number(m[1])]!.limit = true;
  if (ignore) {
    const returning = /\bRETURNING\b/i.exec(text);
    text = returning
      ? `${text.slice(0, returning.index)}ON CONFLICT DO NOTHING ${text.slice(returning.index)}`
      : `${text.replace(/;\s*$/, '')} ON CONFLICT DO NOTHING`;
  }
  const parts: Part[] = [];
  for (const [i, piece] of text.split(MARK).entries()) {
    if (i % 2 === 0) {
      if (piece) parts.push(piece);
      continue;
    }
    const n = Number(piece.slice(1));
    if (piece[0] === 'S') parts.push(masked.strings[n]!);
    else parts.push(masked.slots[n]!);
  }
  // Join neighbouring text pieces so binding concatenates as little as possible.
  const merged: Part[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else merged.push(p);
  }
  return { parts: merged, positional: masked.positional };
}

/**
 * The statement with `$1..$n` placeholders for a server-side prepared statement, and which argument each takes; undefined
 * when a parameter changes the text itself (an id list, a LIMIT that may be negative).
 */
export function preparedForm(t: Translated): { sql: string; keys: (number | string)[] } | undefined {
  const keys: (number | string)[] = [];
  let sql = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      sql += p;
      continue;
    }
    if (p.list || p.limit) return undefined;
    let n = keys.indexOf(p.key);
    if (n < 0) n = keys.push(p.key) - 1;
    sql += `$${n + 1}`;
  }
  return { sql, keys };
}
