import { describe, expect, it } from 'vitest';
import { csvField, EXCEL_ID_CSV, neutraliseCell, rowsToCsv, toCsv, unneutraliseCell } from '../../src/services/csv.js';
import { parseCsv } from '../../src/services/coordinator/index.js';

// Issue 17: every cell a spreadsheet would run is neutralised, one test per way in; plain numbers (phones) stay readable.
describe('CSV and spreadsheet formula injection', () => {
  const runs: Array<[string, string]> = [
    ['=', '=HYPERLINK("http://evil.example","klik")'],
    ['=', '=1+1'],
    ['+', '+1+HYPERLINK("http://evil.example","x")'],
    ['+', '+cmd|\' /C calc\'!A0'],
    ['-', "-2+3+cmd|' /C calc'!A0"],
    ['-', '-SUM(1,2)'],
    ['@', '@SUM(1+9)*cmd|\' /C calc\'!A0'],
    ['tab', '\t=1+1'],
    ['tab', '\tcmd'],
    ['carriage return', '\r=1+1'],
    ['carriage return', '\rcmd'],
    ['line feed', '\n=1+1'],
    ['spaces before =', '   =1+1'],
    ['+ then a letter', '+A1'],
    ['- then a space', '- item'],
    ['a number with a formula after it', '+62812+HYPERLINK("x")'],
  ];
  it.each(runs)('a cell starting with %s is written as text (%j)', (_what, value) => {
    const cell = neutraliseCell(value);
    expect(cell).toBe(`'${value}`);
    // And it survives the CSV round trip with the mark on, in both dialects.
    expect(parseCsv(toCsv([{ k: 'x', v: value }], ['k', 'v'])).records[1]!.fields[1]).toBe(`'${value}`);
    expect(parseCsv(toCsv([{ k: 'x', v: value }], ['k', 'v'], EXCEL_ID_CSV)).records[1]!.fields[1]).toBe(`'${value}`);
    expect(unneutraliseCell(cell)).toBe(value);
  });

  const plain: Array<[string, string]> = [
    ['an E.164 phone', '+6281234567890'],
    ['a negative number', '-3'],
    ['a decimal', '-2.5'],
    ['a decimal with a comma', '+1,5'],
    ['a date', '2026-03-10'],
    ['a time with its offset', '2026-03-10T10:00:00+07:00'],
    ['a name', 'Siti Rahma'],
    ['a name with an inner =', 'A=B'],
    ['an apostrophe name', "D'Souza"],
  ];
  it.each(plain)('%s is left as written (%j)', (_what, value) => {
    expect(neutraliseCell(value)).toBe(value);
    expect(unneutraliseCell(value)).toBe(value);
  });

  it('quotes the delimiter of the dialect, and the Excel dialect starts with a BOM and uses ;', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('a;b')).toBe('a;b');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    const excel = toCsv([{ name: 'Dewi; Tebet', phone: '+6281234567890' }], ['name', 'phone'], EXCEL_ID_CSV);
    expect(excel).toBe('\uFEFFname;phone\r\n"Dewi; Tebet";+6281234567890\r\n');
    expect(rowsToCsv([['=x', 1, null]])).toBe("'=x,1,\r\n");
  });
});
