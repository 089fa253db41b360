/**
 * Numbers written as words in Bahasa Indonesia or English ("tiga", "dua belas", "twenty one").
 * Two units in a row ("dua tiga") are rejected: in colloquial Indonesian that means "two or three".
 */

const UNITS = new Map<string, number>([
  ['nol', 0], ['kosong', 0], ['satu', 1], ['dua', 2], ['tiga', 3], ['empat', 4], ['lima', 5], ['enam', 6],
  ['tujuh', 7], ['delapan', 8], ['sembilan', 9],
  ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8],
  ['nine', 9],
]);
/** Words that are a complete value below 100 and cannot take a unit after them except as tens ("twenty one"). */
const TEENS = new Map<string, number>([
  ['sepuluh', 10], ['sebelas', 11], ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14],
  ['fifteen', 15], ['sixteen', 16], ['seventeen', 17], ['eighteen', 18], ['nineteen', 19],
]);
const TENS = new Map<string, number>([
  ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50], ['sixty', 60], ['seventy', 70], ['eighty', 80],
  ['ninety', 90],
]);

/** True when the token can be part of a number written in words. */
export function isNumberWord(token: string): boolean {
  return (
    UNITS.has(token) ||
    TEENS.has(token) ||
    TENS.has(token) ||
    token === 'belas' ||
    token === 'puluh' ||
    token === 'ratus' ||
    token === 'seratus' ||
    token === 'hundred' ||
    token === 'ribu' ||
    token === 'seribu' ||
    token === 'thousand' ||
    token === 'seorang'
  );
}

type Last = 'none' | 'unit' | 'tens' | 'complete' | 'mult';

/** The value of a sequence of number-word tokens, or null when they are not one well-formed number. */
export function parseNumberWords(toks: readonly string[]): number | null {
  let total = 0;
  let current = 0;
  let lastUnit = 0;
  let last: Last = 'none';
  for (const t of toks) {
    const unit = UNITS.get(t);
    if (unit !== undefined) {
      if (last === 'unit' || last === 'complete') return null;
      if (last === 'tens' && unit === 0) return null;
      current += unit;
      lastUnit = unit;
      last = 'unit';
      continue;
    }
    const teen = TEENS.get(t);
    if (teen !== undefined) {
      if (last === 'unit' || last === 'tens' || last === 'complete') return null;
      current += teen;
      last = 'complete';
      continue;
    }
    const tens = TENS.get(t);
    if (tens !== undefined) {
      if (last === 'unit' || last === 'tens' || last === 'complete') return null;
      current += tens;
      last = 'tens';
      continue;
    }
    switch (t) {
      case 'seorang':
        if (toks.length !== 1) return null;
        return 1;
      case 'belas':
        if (last !== 'unit' || lastUnit < 1) return null;
        current += 10;
        last = 'complete';
        break;
      case 'puluh':
        if (last !== 'unit' || lastUnit < 1) return null;
        current += lastUnit * 9;
        last = 'tens';
        break;
      case 'seratus':
        if (last !== 'none' && last !== 'mult') return null;
        current += 100;
        last = 'mult';
        break;
      case 'ratus':
      case 'hundred':
        if (last !== 'unit' && last !== 'complete' && last !== 'tens') return null;
        if (current === 0 || current >= 100) return null;
        current *= 100;
        last = 'mult';
        break;
      case 'and':
        if (last !== 'mult') return null;
        break;
      case 'seribu':
        if (last !== 'none') return null;
        total += 1000;
        last = 'mult';
        break;
      case 'ribu':
      case 'thousand':
        if (last === 'none' || current === 0) return null;
        total += current * 1000;
        current = 0;
        last = 'mult';
        break;
      default:
        return null;
    }
  }
  return last === 'none' ? null : total + current;
}
