import { rowsToCsv } from '../csv.js';
import type { ImportPreview } from './case-import.js';
import { parseCsv } from './csv-parse.js';

/**
 * The rows of an import that have problems, as a CSV to fix and import again: the file's own header and cells as written,
 * plus a last column (named `problemHeader`, in the coordinator's language) saying what to fix. The import reads this
 * file back as it is: the extra column is ignored, and the `'` that keeps a cell from running in a spreadsheet is taken
 * off. Written with a UTF-8 BOM (Excel then reads names with accents right) in the file's own delimiter.
 */
export function importProblemsCsv(csvText: string, preview: ImportPreview, problemHeader: string): string {
  const problems = new Map(preview.rows.filter((r) => r.problems.length > 0).map((r) => [r.line, r.problems.map((p) => p.message).join('; ')]));
  const records = parseCsv(csvText).records;
  const headers = preview.columns.map((c) => c.header);
  const header = records.find((r) => r.fields.length === headers.length && r.fields.every((f, k) => f.trim() === headers[k])) ?? records[0];
  if (!header) return rowsToCsv([[problemHeader]], { delimiter: ',', bom: true });
  const width = header.fields.length;
  const out: unknown[][] = [[...header.fields, problemHeader]];
  for (const r of records) {
    const why = problems.get(r.line);
    if (why === undefined || r === header) continue;
    const cells = r.fields.slice(0, width);
    while (cells.length < width) cells.push('');
    // A row with extra fields keeps them in the problem text, so nothing the person wrote is lost.
    const extra = r.fields.slice(width).filter((f) => f.trim() !== '');
    out.push([...cells, extra.length ? `${why} [${extra.join(' | ')}]` : why]);
  }
  return rowsToCsv(out, { delimiter: preview.delimiter === ';' ? ';' : ',', bom: true });
}
