/** One record of a CSV file, with the 1-based line it starts on; `error` says why it could not be read as written. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

export interface CsvParseResult {
  delimiter: ',' | ';' | '\t';
  records: CsvRecord[];
}

// A file with a pathological number of stray quotes would be rescanned once per quote: stop recovering after this many.
const MAX_RECOVERIES = 50;

/**
 * Parse CSV text as RFC 4180 (quoted fields, `""` escapes, CRLF or LF, a leading BOM), detecting `,` `;` or tab from the
 * header line (Excel in an Indonesian locale writes `;`). Blank lines are skipped. A malformed record (an unclosed quote,
 * text after a closing quote) is returned with `error` and parsing resumes on the next line. Linear in the input size.
 */
export function parseCsv(input: string): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let recoveries = 0;

  while (i < n) {
    const startLine = line;
    const startIndex = i;
    const fields: string[] = [];
    let error: string | undefined;
    let atEnd = false;
    // One record: fields until an unquoted line break or the end of the text.
    while (!atEnd) {
      if (text[i] === '"') {
        let value = '';
        let j = i + 1;
        let closed = false;
        while (j < n) {
          const q = text.indexOf('"', j);
          if (q < 0) break;
          const chunk = text.slice(j, q);
          value += chunk;
          line += countLineBreaks(chunk);
          if (text[q + 1] === '"') {
            value += '"';
            j = q + 2;
            continue;
          }
          j = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          error = `a quote opened on line ${startLine} is never closed`;
          break;
        }
        i = j;
        fields.push(value);
        if (i >= n) atEnd = true;
        else if (text[i] === delimiter) i++;
        else if (text[i] === '\r' || text[i] === '\n') {
          i = skipLineBreak(text, i);
          line++;
          atEnd = true;
        } else {
          error = 'unexpected text after a closing quote (a quote inside a field must be doubled: "")';
          break;
        }
      } else {
        let j = i;
        while (j < n && text[j] !== delimiter && text[j] !== '\r' && text[j] !== '\n') j++;
        fields.push(text.slice(i, j));
        i = j;
        if (i >= n) atEnd = true;
        else if (text[i] === delimiter) {
          i++;
          if (i >= n) fields.push('');
          atEnd = i >= n;
        } else {
          i = skipLineBreak(text, i);
          line++;
          atEnd = true;
        }
      }
    }
    if (error !== undefined) {
      // Resume after the physical line the bad record started on, so one stray quote does not swallow the rest of the file.
      const nl = nextLineStart(text, startIndex);
      records.push({ line: startLine, fields, error });
      recoveries++;
      if (recoveries > MAX_RECOVERIES) {
        records.push({ line: startLine + 1, fields: [], error: 'too many malformed lines; the rest of the file was not read' });
        break;
      }
      i = nl;
      line = startLine + 1;
      continue;
    }
    if (fields.length === 1 && fields[0] === '' && text[startIndex] !== '"') continue; // blank line
    records.push({ line: startLine, fields });
  }
  return { delimiter, records };
}

function detectDelimiter(text: string): ',' | ';' | '\t' {
  let commas = 0;
  let semicolons = 0;
  let tabs = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else if (c === ',') commas++;
    else if (c === ';') semicolons++;
    else if (c === '\t') tabs++;
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

function skipLineBreak(text: string, i: number): number {
  return text[i] === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
}

function nextLineStart(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\n') return i + 1;
    if (text[i] === '\r') return text[i + 1] === '\n' ? i + 2 : i + 1;
  }
  return text.length;
}

function countLineBreaks(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\n') k++;
    else if (s[i] === '\r' && s[i + 1] !== '\n') k++;
  }
  return k;
}
