import type { Repositories } from '../../domain/repositories/index.js';
import { parseAnswer } from '../../flow/answers/index.js';
import { audit } from '../audit.js';
import { createCases, validateCases, type CaseInput, type ValidCase } from '../cases.js';
import { unneutraliseCell } from '../csv.js';
import { parseCsv } from './csv-parse.js';
import { zonedToEpoch } from './zoned-time.js';

/** The case fields a CSV column can fill. */
export type ImportField = 'externalId' | 'name' | 'phone' | 'dateOfBirth' | 'testDate' | 'language' | 'area' | 'confirmedAt';

/** Accepted header names (after lower-casing and turning spaces and dashes into `_`), English and Indonesian. */
export const HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  externalId: ['external_id', 'case_id', 'id', 'id_kasus', 'nik_kasus', 'no_kasus', 'kode_kasus'],
  name: ['name', 'nama', 'nama_lengkap', 'full_name'],
  phone: ['phone', 'telepon', 'hp', 'no_hp', 'nomor_hp', 'no_telp', 'telp', 'mobile', 'whatsapp', 'wa'],
  dateOfBirth: ['date_of_birth', 'dob', 'tanggal_lahir', 'tgl_lahir'],
  testDate: ['test_date', 'tanggal_tes', 'tgl_tes', 'tanggal_swab', 'specimen_date'],
  language: ['language', 'bahasa', 'lang'],
  area: ['area', 'wilayah', 'kecamatan', 'district'],
  confirmedAt: ['confirmed_at', 'tanggal_konfirmasi', 'confirmed'],
};

const REQUIRED: ImportField[] = ['externalId', 'name'];

/** One problem with one row (or with the whole file when `line` is the header's). */
export interface ImportProblem {
  field: ImportField | 'row';
  code: 'missing' | 'bad_phone' | 'bad_date' | 'future_date' | 'bad_language' | 'too_long' | 'duplicate_in_db' | 'duplicate_in_file' | 'malformed';
  message: string;
  /** Values a translated message needs beyond the row's cells (the other line of a duplicate, field counts). */
  params?: Record<string, string | number>;
}

/** A problem with the file as a whole, structured so pages can say it in the reader's language (`fileProblems` in English). */
export type FileIssue =
  | { code: 'empty' | 'no_header' }
  | { code: 'repeated_column'; header: string; field: ImportField }
  | { code: 'no_column'; field: ImportField; aliases: readonly string[] };

export interface PreviewRow {
  line: number;
  /** The cells as written, by field (unknown columns are left out). */
  values: Partial<Record<ImportField, string>>;
  /** The record handed to `validateCases` at commit time; null when the row has problems. */
  input: CaseInput | null;
  /** What would be stored (phone in E.164, dates ISO, confirmedAt epoch ms). */
  parsed: ValidCase | null;
  problems: ImportProblem[];
}

export interface ImportPreview {
  delimiter: string;
  /** Header columns mapped to fields, in file order (null: ignored column). */
  columns: { header: string; field: ImportField | null }[];
  /** Problems with the file as a whole (no header, required column missing). */
  fileProblems: string[];
  /** The same problems, structured (in the same order). */
  fileIssues: FileIssue[];
  rows: PreviewRow[];
  summary: { rows: number; valid: number; invalid: number; problemsByCode: Partial<Record<ImportProblem['code'], number>> };
}

export interface ImportOptions {
  defaultCountry: string;
  now: number;
  today: string;
  /** The zone `confirmed_at` values without an offset are read in; default Asia/Jakarta. */
  timezone?: string;
}

const LANGUAGES: Record<string, 'id' | 'en'> = {
  id: 'id', ind: 'id', indonesia: 'id', indonesian: 'id', bahasa_indonesia: 'id', bahasa: 'id', in: 'id',
  en: 'en', eng: 'en', english: 'en', inggris: 'en', bahasa_inggris: 'en',
};

const normHeader = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s\-./]+/g, '_')
    .replace(/^_+|_+$/g, '');

const ALIAS_TO_FIELD = new Map<string, ImportField>(
  (Object.entries(HEADER_ALIASES) as [ImportField, readonly string[]][]).flatMap(([f, names]) => names.map((n) => [n, f] as const)),
);

/**
 * Read a CSV of confirmed cases and list every row's problems (missing fields, bad phone, bad or future date, bad language,
 * case id already in the database or twice in the file, malformed row). Writes nothing.
 */
export function previewImport(repos: Pick<Repositories, 'cases'>, csvText: string, opts: ImportOptions): ImportPreview {
  const tz = opts.timezone ?? 'Asia/Jakarta';
  const { delimiter, records } = parseCsv(csvText);
  const fileProblems: string[] = [];
  const fileIssues: FileIssue[] = [];
  // The header is the first line naming a case id or name column (a spreadsheet may start with a title line), else the first.
  const readable = records.filter((r) => !r.error).slice(0, 10);
  const headerRecord =
    readable.find((r) => r.fields.some((h) => REQUIRED.includes(ALIAS_TO_FIELD.get(normHeader(h)) as ImportField))) ?? readable[0];
  if (!headerRecord) {
    fileProblems.push(records.length ? 'the header line cannot be read' : 'the file is empty');
    fileIssues.push({ code: records.length ? 'no_header' : 'empty' });
    return finish(delimiter, [], fileProblems, fileIssues, records.map((r) => malformedRow(r.line, r.error ?? 'unreadable')));
  }
  const columns = headerRecord.fields.map((h) => ({ header: h.trim(), field: ALIAS_TO_FIELD.get(normHeader(h)) ?? null }));
  const seenField = new Set<ImportField>();
  columns.forEach((c) => {
    if (!c.field) return;
    if (seenField.has(c.field)) {
      fileProblems.push(`column '${c.header}' repeats ${c.field}; only the first such column is read`);
      fileIssues.push({ code: 'repeated_column', header: c.header, field: c.field });
      c.field = null;
    } else seenField.add(c.field);
  });
  for (const f of REQUIRED) {
    if (seenField.has(f)) continue;
    fileProblems.push(`no column for ${f}; use one of: ${HEADER_ALIASES[f].join(', ')}`);
    fileIssues.push({ code: 'no_column', field: f, aliases: HEADER_ALIASES[f] });
  }

  const rows: PreviewRow[] = [];
  for (const r of records) {
    if (r === headerRecord) continue;
    if (r.line < headerRecord.line) continue; // title lines above the header
    if (r.error) {
      rows.push(malformedRow(r.line, r.error));
      continue;
    }
    if (r.fields.every((f) => f.trim() === '')) continue; // a spreadsheet's empty row: `;;;;;;`
    const extra = r.fields.slice(columns.length);
    if (r.fields.length < columns.length || extra.some((x) => x.trim() !== '')) {
      rows.push(malformedRow(r.line, `has ${r.fields.length} fields but the header has ${columns.length} (a missing or extra '${delimiter}'?)`, { fields: r.fields.length, expected: columns.length, delimiter }));
      continue;
    }
    const values: Partial<Record<ImportField, string>> = {};
    columns.forEach((c, k) => {
      // A file we exported (e.g. the problem rows, fixed) carries the `'` that stops spreadsheets running a cell: drop it.
      if (c.field) values[c.field] = unneutraliseCell((r.fields[k] ?? '').trim());
    });
    rows.push(checkRow(r.line, values, opts, tz));
  }

  markDuplicates(repos, rows);
  // The authoritative check is the API's own: run it on the rows that passed, so the preview never promises what commit refuses.
  const candidates = rows.filter((r) => r.input && r.problems.length === 0);
  const checked = validateCases(candidates.map((r) => r.input), opts);
  for (const p of checked.problems) {
    const row = candidates[p.index]!;
    row.problems.push({ field: toField(p.field), code: /future/.test(p.message) ? 'future_date' : 'malformed', message: p.message });
  }
  candidates.forEach((row, k) => {
    row.parsed = row.problems.length === 0 ? (checked.valid[k] ?? null) : null;
  });
  for (const row of rows) if (row.problems.length) (row.input = null), (row.parsed = null);
  return finish(delimiter, columns, fileProblems, fileIssues, rows);
}

export interface ImportResult {
  imported: { line: number; caseId: number; externalId: string; startCode: string }[];
  skipped: { line: number; externalId: string | null; reasons: string[] }[];
}

/**
 * Import every valid row of a preview in ONE transaction (via createCases). Rows are re-validated, so a preview kept between
 * requests cannot smuggle bad data; a case id imported meanwhile is skipped, not duplicated. Audited when an actor is given.
 */
export function commitImport(
  repos: Pick<Repositories, 'cases' | 'audit' | 'transactions'>,
  preview: ImportPreview,
  opts: ImportOptions & { startCodeTtlMs: number; actor?: { kind: 'user' | 'token'; id: number | null; ip?: string | null } },
): ImportResult {
  const result: ImportResult = { imported: [], skipped: [] };
  if (preview.fileProblems.some((p) => p.startsWith('no column'))) {
    for (const r of preview.rows) result.skipped.push({ line: r.line, externalId: r.values.externalId ?? null, reasons: ['the file is missing a required column'] });
    return result;
  }
  const ready = preview.rows.filter((r) => r.input && r.problems.length === 0);
  const readySet = new Set(ready);
  for (const r of preview.rows) {
    if (!readySet.has(r)) result.skipped.push({ line: r.line, externalId: r.values.externalId ?? null, reasons: r.problems.map((p) => p.message) });
  }
  const checked = validateCases(ready.map((r) => r.input), opts);
  const bad = new Map<number, string[]>();
  for (const p of checked.problems) bad.set(p.index, [...(bad.get(p.index) ?? []), `${p.field}: ${p.message}`]);
  const toCreate: { row: PreviewRow; value: ValidCase }[] = [];
  ready.forEach((row, k) => {
    const v = checked.valid[k];
    if (v && !bad.has(k)) toCreate.push({ row, value: v });
    else result.skipped.push({ line: row.line, externalId: row.values.externalId ?? null, reasons: bad.get(k) ?? ['invalid'] });
  });

  repos.transactions.transaction(() => {
    // Chunks keep each `IN (...)` under SQLite's variable limit; they are savepoints inside this one transaction.
    for (let i = 0; i < toCreate.length; i += 1000) {
      const chunk = toCreate.slice(i, i + 1000);
      const created = createCases(repos, chunk.map((c) => c.value), { now: opts.now, startCodeTtlMs: opts.startCodeTtlMs });
      created.forEach((c, k) => {
        const row = chunk[k]!.row;
        if (c.created && c.startCode) result.imported.push({ line: row.line, caseId: c.id, externalId: c.externalId, startCode: c.startCode });
        else result.skipped.push({ line: row.line, externalId: c.externalId, reasons: ['case id already in the database'] });
      });
    }
    if (opts.actor) {
      audit(
        repos,
        {
          actorKind: opts.actor.kind,
          actorId: opts.actor.id,
          action: 'cases.import',
          entityType: 'case',
          details: { imported: result.imported.length, skipped: result.skipped.length, caseIds: result.imported.map((c) => c.caseId).slice(0, 1000) },
          ip: opts.actor.ip ?? null,
        },
        opts.now,
      );
    }
  });
  result.skipped.sort((a, b) => a.line - b.line);
  return result;
}

function checkRow(line: number, values: Partial<Record<ImportField, string>>, opts: ImportOptions, tz: string): PreviewRow {
  const problems: ImportProblem[] = [];
  const input: Record<string, string> = {};
  for (const f of REQUIRED) {
    if (!values[f]) problems.push({ field: f, code: 'missing', message: `${label(f)} is missing` });
    else input[f] = values[f]!;
  }
  if (values.externalId && values.externalId.length > 64) problems.push({ field: 'externalId', code: 'too_long', message: 'case id is longer than 64 characters' });
  if (values.phone) {
    const p = parseAnswer({ type: 'phone' }, values.phone, { today: opts.today, lang: 'en', answers: {}, defaultCountry: opts.defaultCountry });
    if (p.ok && typeof p.value === 'string') input.phone = values.phone;
    else problems.push({ field: 'phone', code: 'bad_phone', message: `'${values.phone}' is not a valid phone number` });
  }
  for (const f of ['dateOfBirth', 'testDate'] as const) {
    const v = values[f];
    if (!v) continue;
    const iso = parseCsvDate(v);
    if (!iso) problems.push({ field: f, code: 'bad_date', message: `${label(f)} '${v}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)` });
    else if (iso > opts.today) problems.push({ field: f, code: 'future_date', message: `${label(f)} ${iso} is in the future` });
    else input[f] = iso;
  }
  if (values.language) {
    const lang = LANGUAGES[normHeader(values.language)];
    if (lang) input.language = lang;
    else problems.push({ field: 'language', code: 'bad_language', message: `language '${values.language}' is not id or en` });
  }
  if (values.area) input.area = values.area;
  if (values.confirmedAt) {
    const at = parseCsvTimestamp(values.confirmedAt, tz);
    if (at === null) problems.push({ field: 'confirmedAt', code: 'bad_date', message: `confirmed_at '${values.confirmedAt}' is not a date and time` });
    else if (at > opts.now) problems.push({ field: 'confirmedAt', code: 'future_date', message: `confirmed_at ${values.confirmedAt} is in the future` });
    else input.confirmedAt = new Date(at).toISOString();
  }
  return { line, values, input: problems.length ? null : (input as CaseInput), parsed: null, problems };
}

/** `YYYY-MM-DD`, `DD/MM/YYYY` or `DD-MM-YYYY` (also `D/M/YYYY`) to ISO, or null when it is not a real date. */
export function parseCsvDate(text: string): string | null {
  const t = text.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else {
    match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t);
    if (!match) return null;
    [d, m, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  }
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** An ISO timestamp with offset, or a date with optional `HH:MM[:SS]` read as local time in `tz`; epoch ms or null. */
export function parseCsvTimestamp(text: string, tz: string): number | null {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : ms;
  }
  const m = /^(\S+?)(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (!m) return null;
  const date = parseCsvDate(m[1]!);
  if (!date) return null;
  const [h, mi, s] = [Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return null;
  return zonedToEpoch(date, tz, h, mi, s);
}

function markDuplicates(repos: Pick<Repositories, 'cases'>, rows: PreviewRow[]): void {
  const firstLine = new Map<string, number>();
  for (const r of rows) {
    const id = r.values.externalId;
    if (!id) continue;
    const first = firstLine.get(id);
    if (first !== undefined) r.problems.push({ field: 'externalId', code: 'duplicate_in_file', message: `case id ${id} is also on line ${first}`, params: { otherLine: first } });
    else firstLine.set(id, r.line);
  }
  const existing = repos.cases.idsByExternalId([...firstLine.keys()]);
  for (const r of rows) {
    if (r.values.externalId && existing.has(r.values.externalId)) {
      r.problems.push({ field: 'externalId', code: 'duplicate_in_db', message: `case id ${r.values.externalId} is already in the database` });
    }
  }
}

function malformedRow(line: number, why: string, params?: Record<string, string | number>): PreviewRow {
  return { line, values: {}, input: null, parsed: null, problems: [{ field: 'row', code: 'malformed', message: `line ${line} ${why.startsWith('has') ? why : `cannot be read: ${why}`}`, ...(params ? { params } : {}) }] };
}

function finish(delimiter: string, columns: ImportPreview['columns'], fileProblems: string[], fileIssues: FileIssue[], rows: PreviewRow[]): ImportPreview {
  const problemsByCode: ImportPreview['summary']['problemsByCode'] = {};
  for (const r of rows) for (const p of r.problems) problemsByCode[p.code] = (problemsByCode[p.code] ?? 0) + 1;
  const required = fileProblems.some((p) => p.startsWith('no column'));
  const valid = required ? 0 : rows.filter((r) => r.problems.length === 0).length;
  return { delimiter, columns, fileProblems, fileIssues, rows, summary: { rows: rows.length, valid, invalid: rows.length - valid, problemsByCode } };
}

function label(f: ImportField): string {
  const names: Record<ImportField, string> = {
    externalId: 'case id',
    name: 'name',
    phone: 'phone',
    dateOfBirth: 'date of birth',
    testDate: 'test date',
    language: 'language',
    area: 'area',
    confirmedAt: 'confirmed_at',
  };
  return names[f];
}

function toField(f: string): ImportField | 'row' {
  return (Object.keys(HEADER_ALIASES) as ImportField[]).includes(f as ImportField) ? (f as ImportField) : 'row';
}
