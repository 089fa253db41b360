/**
 * Text folding shared by the answer parsers. Patients type on phones: mixed case, accents from autocorrect,
 * "Jum'at" with a curly apostrophe, "iyaaa", "TIDAK!". Everything is compared in one folded form.
 */

const MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’‘`´ʼ]/g;
const NON_WORD = /[^\p{L}\p{N}]+/gu;
const REPEATS = /(\p{L})\1+/gu;

/** Lower-cased, accent-free text with apostrophes removed ("Jum'at" → "jumat", fullwidth digits → ASCII). */
export function fold(input: string): string {
  return input.toLowerCase().normalize('NFKD').replace(MARKS, '').replace(APOSTROPHES, '');
}

/** `fold`, then every run of characters that are neither letters nor digits becomes one space, trimmed. */
export function words(input: string): string {
  return fold(input).replace(NON_WORD, ' ').trim();
}

/** Collapses repeated letters ("iyaaa" → "iya", "nggak" → "ngak"); apply to both dictionary and input. */
export function squeeze(s: string): string {
  return s.replace(REPEATS, '$1');
}

/** Splits a `words()` result into tokens; the empty string gives no tokens. */
export function tokens(wordsText: string): string[] {
  return wordsText === '' ? [] : wordsText.split(' ');
}
