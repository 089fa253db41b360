import type { AnswerSpec } from '../definition.js';
import { fail, type ParseResult } from './context.js';
import { fold, squeeze, tokens, words } from './normalise.js';
import { isNumberWord, parseNumberWords } from './number-words.js';

type NumberSpec = Extract<AnswerSpec, { type: 'number' }>;

const MAX_INPUT = 1000;
/** A number written with digits; a minus sign counts only at the start or after a space, so "3-4" is two numbers. */
const DIGITS = /(?:(?<=^|\s)[-−])?\d+(?:[.,]\d+)*/gu;
const SEPARATORS = /[.,]/g;
const THOUSANDS_GROUPS = /^\d{1,3}(?:\.\d{3})+$|^\d{1,3}(?:,\d{3})+$/;
/** Answers that mean zero to a "how many" question. */
const ZERO_PHRASES = new Set(
  ['tidak ada', 'tdk ada', 'gak ada', 'ga ada', 'nggak ada', 'ngga ada', 'enggak ada', 'tak ada', 'belum ada', 'kosong',
    'none', 'no one', 'nobody', 'nothing', 'tidak ada siapa siapa', 'tidak seorang pun', 'tidak ada orang'].map(squeeze),
);

/**
 * Reads the digits of one number: "37,5" and "37.5" are 37.5 (Indonesian comma decimal); "1.000" and "1,000" are
 * 1000 (three digits after a single separator read as thousands unless the integer part is 0); "1.234,5" is 1234.5.
 */
function digitsValue(token: string): number | null {
  const negative = token.startsWith('-') || token.startsWith('−');
  const body = negative ? token.slice(1) : token;
  const seps = body.match(SEPARATORS);
  let text: string;
  if (!seps) {
    text = body;
  } else if (seps.includes('.') && seps.includes(',')) {
    const decimalSep = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ',';
    const thousandsSep = decimalSep === '.' ? ',' : '.';
    const cut = body.lastIndexOf(decimalSep);
    const intPart = body.slice(0, cut);
    if (intPart.includes(decimalSep) || (intPart.includes(thousandsSep) && !THOUSANDS_GROUPS.test(intPart))) return null;
    text = `${intPart.split(thousandsSep).join('')}.${body.slice(cut + 1)}`;
  } else if (seps.length > 1) {
    if (!THOUSANDS_GROUPS.test(body)) return null;
    text = body.replace(SEPARATORS, '');
  } else {
    const [intPart = '', frac = ''] = body.split(/[.,]/);
    text = frac.length === 3 && intPart !== '0' && intPart.length <= 3 ? intPart + frac : `${intPart}.${frac}`;
  }
  const n = Number(text);
  if (!Number.isFinite(n)) return null;
  return negative ? -n : n;
}

/** Values of the numbers written as words, one per run of number words ("one hundred and five" is one run). */
function wordValues(toks: readonly string[]): number[] | null {
  const values: number[] = [];
  let run: string[] = [];
  const flush = (): boolean => {
    if (run.length === 0) return true;
    const v = parseNumberWords(run);
    run = [];
    if (v === null) return false;
    values.push(v);
    return true;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] ?? '';
    if (isNumberWord(t) || (t === 'and' && run.length > 0 && isNumberWord(toks[i + 1] ?? ''))) {
      run.push(t);
    } else if (!flush()) {
      return null;
    }
  }
  return flush() ? values : null;
}

/** One number in the patient's text ("3", "3 orang", "37,5", "tiga", "dua belas", "tidak ada" = 0), within min/max. */
export function parseNumber(spec: NumberSpec, input: string): ParseResult {
  if (input.length > MAX_INPUT) return fail('number:unreadable');
  const folded = fold(input);
  const found = new Set<number>();
  for (const m of folded.matchAll(DIGITS)) {
    const v = digitsValue(m[0]);
    if (v === null) return fail('number:unreadable');
    found.add(v);
  }
  const w = words(input);
  if (found.size === 0 && ZERO_PHRASES.has(squeeze(w))) found.add(0);
  const fromWords = wordValues(tokens(w));
  if (fromWords === null) return fail('number:unreadable');
  for (const v of fromWords) found.add(v);
  // "3 atau 4", "2 dewasa 1 anak": ask again rather than guess which number was meant.
  const [value] = found;
  if (found.size !== 1 || value === undefined) return fail('number:unreadable');
  if (spec.integer && !Number.isInteger(value)) return fail('number:not_integer');
  if (spec.min !== undefined && value < spec.min) return fail('number:too_small', { min: spec.min });
  if (spec.max !== undefined && value > spec.max) return fail('number:too_large', { max: spec.max });
  return { ok: true, value };
}
