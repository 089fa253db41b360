/**
 * Spreadsheet formula injection (CSV injection): Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`,
 * `-` or `@` (and one starting with a tab or carriage return, which they skip first) as a formula: `-2+3+cmd|' /C calc'!A0`
 * (DDE) or `+1+HYPERLINK("http://evil","x")`. Every exported cell that would start that way gets a leading `'`, the
 * spreadsheets' own "this is text" mark. The one exception is a cell that is only a number, such as an E.164 phone
 * `+6281234567890` or `-3`: nothing in it can run, and keeping it as is keeps phones readable by people and programs
 * (a spreadsheet shows it as a number; the Excel export's readers format the column as text if they want the `+`).
 */
const RUNS = /^(?:[\t\r\n]|\s*[=+\-@])/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;

/** The cell as a spreadsheet will show it but never run it (see above). */
export function neutraliseCell(s: string): string {
  return RUNS.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** A cell read back from one of our exports (e.g. a fixed problem row): the `'` neutraliseCell added is taken off. */
export function unneutraliseCell(s: string): string {
  return s.startsWith("'") && RUNS.test(s.slice(1)) && !PLAIN_NUMBER.test(s.slice(1)) ? s.slice(1) : s;
}

/** CSV dialects: the machine default (`,`, no BOM), and Excel in an Indonesian locale (`;`, UTF-8 BOM so it reads UTF-8). */
export interface CsvDialect {
  delimiter: ',' | ';';
  bom: boolean;
}
export const MACHINE_CSV: CsvDialect = { delimiter: ',', bom: false };
export const EXCEL_ID_CSV: CsvDialect = { delimiter: ';', bom: true };

/** One CSV field: neutralised, then quoted when it holds the delimiter, a quote or a line break. */
export function csvField(value: unknown, delimiter: ',' | ';' = ','): string {
  if (value === null || value === undefined) return '';
  const s = neutraliseCell(typeof value === 'string' ? value : String(value));
  return s.includes(delimiter) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as RFC 4180 CSV (CRLF) with a header line, columns in the given order, in the given dialect. */
export function toCsv<T extends object>(rows: T[], columns: (keyof T & string)[], dialect: CsvDialect = MACHINE_CSV): string {
  const d = dialect.delimiter;
  const lines = [columns.map((c) => csvField(c, d)).join(d)];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c], d)).join(d));
  return `${dialect.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** Raw rows (arrays of fields) as CSV in the given dialect, every field neutralised. */
export function rowsToCsv(rows: unknown[][], dialect: CsvDialect = MACHINE_CSV): string {
  const d = dialect.delimiter;
  return `${dialect.bom ? '\uFEFF' : ''}${rows.map((r) => r.map((v) => csvField(v, d)).join(d)).join('\r\n')}\r\n`;
}
