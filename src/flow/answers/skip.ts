import { squeeze, words } from './normalise.js';

const SKIP_WORDS = ['lewati', 'lewat', 'lewatkan', 'skip', 'pass', 'lompati', 'lompat'];
const DONT_KNOW_WORDS = [
  'tidak tahu', 'tidak tau', 'tdk tahu', 'tdk tau', 'gak tahu', 'gak tau', 'ga tahu', 'ga tau', 'gk tau', 'gatau',
  'nggak tahu', 'nggak tau', 'ngga tau', 'enggak tahu', 'engga tau', 'tak tahu', 'tak tau', 'ndak tau', 'ndak tahu',
  'kurang tahu', 'kurang tau', 'belum tahu', 'belum tau', 'entah', 'entahlah', 'tidak ingat', 'tdk ingat', 'gak ingat',
  'ga ingat', 'nggak ingat', 'lupa', 'sudah lupa', 'tidak yakin', 'gak yakin', 'kurang yakin',
  'dont know', 'do not know', 'dunno', 'idk', 'not sure', 'unknown', 'no idea', 'dont remember', 'do not remember',
  'cant remember', 'can not remember', 'cannot remember', 'forgot',
];
const NONE_WORDS = [
  'none', 'tidak ada', 'tdk ada', 'gak ada', 'ga ada', 'nggak ada', 'ngga ada', 'enggak ada', 'tak ada', 'nihil', 'n a',
  'na', 'nothing',
];

/** Phrases are stored folded and squeezed, like the input they are compared with. */
const DONT_KNOW = new Set(DONT_KNOW_WORDS.map(squeeze));
const SKIP = new Set([...SKIP_WORDS, ...DONT_KNOW_WORDS, ...NONE_WORDS].map(squeeze));

const LEADING_PRONOUN = /^(?:saya|aku|sy|gue|gua|gw|i) /;
/** Only dashes, dots or similar placeholders: "-", "--", "…", "—". */
const PLACEHOLDER = /^[\s\-–—_.…/]+$/u;
const MAX_INPUT = 200;

function phrase(input: string): string {
  return squeeze(words(input)).replace(LEADING_PRONOUN, '');
}

/** True for words meaning "skip / don't know / none" in either language (lewati, skip, tidak tahu, don't know, -). */
export function isSkip(input: string): boolean {
  if (input.length > MAX_INPUT) return false;
  if (PLACEHOLDER.test(input)) return input.trim() !== '';
  return SKIP.has(phrase(input));
}

/** True for "I don't know / I can't remember" only (not "none"): such an answer is neither yes nor no. */
export function isDontKnow(input: string): boolean {
  return input.length <= MAX_INPUT && DONT_KNOW.has(phrase(input));
}
