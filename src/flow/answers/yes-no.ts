import { fail, type ParseContext, type ParseResult } from './context.js';
import { squeeze, tokens, words } from './normalise.js';
import { isDontKnow } from './skip.js';
import { yesNoFromQuestion } from './yes-no-context.js';

/** Words are stored squeezed ("nggak" → "ngak") because the input is squeezed too, so "iyaaa" and "nggaaak" match. */
const YES = new Set(
  ['ya', 'iya', 'iy', 'y', 'yes', 'yep', 'yup', 'yeah', 'yea', 'ye', 'sure', 'true', 'correct', 'right', 'ok', 'oke', 'okay',
    'okey', 'oce', 'sip', 'siap', 'sudah', 'udah', 'udh', 'sdh', 'dah', 'betul', 'benar', 'bener', 'bnr', 'btl', 'pernah',
    'ada', 'punya', 'boleh', 'setuju', 'bersedia', 'mau', 'iyo', 'nggih', 'inggih', 'enggih', 'hooh', 'iye', 'yoi', 'yaudah',
    'yasudah', 'sip', 'bnar',
  ].map(squeeze),
);
const NO = new Set(
  ['tidak', 'tdk', 'td', 'tak', 'nggak', 'ngga', 'ngak', 'gak', 'ga', 'gk', 'g', 'enggak', 'engga', 'nda', 'ndak', 'kagak',
    'kaga', 'ora', 'mboten', 'no', 'nope', 'nah', 'nay', 'n', 't', 'not', 'never', 'false', 'belum', 'blm', 'blum', 'bukan',
    'bkn', 'jangan', 'negative', 'negatif',
  ].map(squeeze),
);
/** Tokens before the real answer that carry no meaning ("saya sudah", "hmm ya"). */
const FILLERS = new Set(['saya', 'aku', 'sy', 'gue', 'gw', 'i', 'hmm', 'hm', 'eh', 'oh', 'um', 'em', 'ehm', 'well']);
/** Hedges that make an answer neither yes nor no ("mungkin", "maybe"). */
const HEDGES = new Set(['mungkin', 'maybe', 'perhaps', 'kayaknya', 'sepertinya', 'entah', 'ragu']);
const EMOJI_YES = new Set(['👍', '✅', '✔', '☑', '👌', '🙏']);
const EMOJI_NO = new Set(['👎', '❌', '✖', '🚫', '⛔', '🙅']);
const EMOJI_NOISE = /[\u{FE0F}\u{1F3FB}-\u{1F3FF}\u{200D}\u{2640}\u{2642}\s]/gu;
const MAX_CONSIDERED = 300;

/**
 * Yes or no in either language: "ya", "Iyaa.", "sudah", "TIDAK!", "nggak", "belum pernah", a 👍, the button values
 * 'yes'/'no', or "1"/"2" for the numbered options of choicesFor. The first meaningful word decides; "ya, tidak" and
 * hedges ("mungkin") are `yes_no:unclear`, and so is "tidak tahu" (don't know), which is not a "no". When the words
 * alone are unclear, the question they answer may settle it ("batuk dikit", "nama saya Budi": see yes-no-context.ts).
 */
export function parseYesNo(input: string, ctx?: Pick<ParseContext, 'question'>): ParseResult {
  const plain = parsePlainYesNo(input);
  if (plain.ok || isDontKnow(input.slice(0, MAX_CONSIDERED))) return plain;
  const fromQuestion = yesNoFromQuestion(input, ctx, (t) => NO.has(t) || HEDGES.has(t));
  return fromQuestion === undefined ? plain : { ok: true, value: fromQuestion };
}

function parsePlainYesNo(input: string): ParseResult {
  const head = input.slice(0, MAX_CONSIDERED);
  const emoji = head.replace(EMOJI_NOISE, '');
  if (EMOJI_YES.has(emoji)) return { ok: true, value: true };
  if (EMOJI_NO.has(emoji)) return { ok: true, value: false };
  if (isDontKnow(head)) return fail('yes_no:unclear');
  const toks = tokens(squeeze(words(head)));
  let i = 0;
  while (i < toks.length && FILLERS.has(toks[i] ?? '')) i++;
  const first = toks[i];
  if (first === undefined) return fail('yes_no:unclear');
  if (toks.length === 1 && first === '1') return { ok: true, value: true };
  if (toks.length === 1 && first === '2') return { ok: true, value: false };
  if (NO.has(first)) return { ok: true, value: false };
  if (YES.has(first) || (first === 'he' && toks[i + 1] === 'eh')) {
    const second = toks[i + 1];
    if (second !== undefined && (NO.has(second) || HEDGES.has(second))) return fail('yes_no:unclear');
    return { ok: true, value: true };
  }
  return fail('yes_no:unclear');
}
