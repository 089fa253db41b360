import type { AnswerSpec } from '../definition.js';
import type { AnswerValue } from '../types.js';
import { squeeze, tokens, words } from './normalise.js';

/**
 * Identity by typing what we know (issue 17): the person types, we compare with what the case or a tracer gave us, and
 * nothing we know is ever shown. Names are compared loosely, because the name a patient gives for a colleague is rarely
 * spelled as that colleague spells it; everything else (dates, numbers, phones) exactly.
 */

/** Words that are no part of a name: titles and "my name is". */
const NOT_NAME = new Set([
  'bapak', 'pak', 'bpk', 'ibu', 'bu', 'mas', 'mbak', 'mba', 'kak', 'kakak', 'bang', 'abang', 'adik', 'dik', 'sdr', 'sdri',
  'saudara', 'saudari', 'nama', 'saya', 'namaku', 'aku', 'adalah', 'ini', 'dengan', 'dr', 'hj', 'haji', 'my', 'name', 'is',
  'im', 'i', 'am', 'this', 'mr', 'mrs', 'ms', 'miss', 'sir', 'madam', 'its', 'it',
]);

const MAX_TYPED_WORDS = 12;

function nameWords(text: string): string[] {
  return tokens(words(text))
    .map(squeeze)
    .filter((w) => w.length >= 2 && !NOT_NAME.has(w));
}

/** Edit distance with adjacent swaps (optimal string alignment), stopping early above 1: only 0 and 1 matter here. */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]! <= 1;
}

function sameWord(typed: string, known: string): boolean {
  // One typo is forgiven only in longer words: "budi"/"bud" are different people, "aminah"/"aminha" the same one.
  return typed === known || (known.length >= 5 && withinOneEdit(typed, known));
}

/**
 * True when `typed` names the person called `known`: it contains a word of the known name (titles ignored, repeated
 * letters folded, one typo forgiven in words of 5+ letters). Words of `shown` (what the first message already said, e.g.
 * the first name) do not count, unless they are all we know.
 */
export function sameName(typed: string, known: string, shown?: string): boolean {
  const knownWords = nameWords(known);
  const shownWords = new Set(shown === undefined ? [] : nameWords(shown));
  const secret = knownWords.filter((w) => !shownWords.has(w));
  const proof = secret.length > 0 ? secret : knownWords;
  if (proof.length === 0) return false;
  const typedWords = nameWords(typed).slice(0, MAX_TYPED_WORDS);
  return typedWords.some((t) => proof.some((k) => sameWord(t, k)));
}

/**
 * Whether a saved answer matches the value we know: names (text answers) by `sameName` (a list of names: any of them),
 * any other answer type by equality of the saved value (ISO dates, E.164 phones, numbers). Nothing known means no match.
 */
export function answerMatches(spec: AnswerSpec, value: AnswerValue, known: unknown, shown?: unknown): boolean {
  if (value === null || known === null || known === undefined || known === '') return false;
  if (spec.type === 'text') {
    if (typeof value !== 'string') return false;
    const except = typeof shown === 'string' ? shown : undefined;
    // A list: the name of any one of several people (a contact invite compares with every contact the case named).
    if (Array.isArray(known)) return known.some((k) => typeof k === 'string' && sameName(value, k, except));
    return typeof known === 'string' && sameName(value, known, except);
  }
  if (Array.isArray(value) || Array.isArray(known)) return false;
  return String(value) === String(known);
}
