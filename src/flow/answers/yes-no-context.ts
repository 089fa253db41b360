import type { ParseContext } from './context.js';
import { stripNameIntro } from './name-intro.js';
import { fold, squeeze, tokens, words } from './normalise.js';

/** Degree words that soften without denying: "batuk dikit", "agak demam", "a bit of a cough". */
const DEGREE = new Set(['dikit', 'sedikit', 'agak', 'lumayan', 'cuma', 'hanya', 'kadang', 'masih', 'sering', 'bit', 'little', 'slightly', 'some', 'a', 'just', 'mild'].map(squeeze));
/** Words a question shares with any answer, which say nothing about yes or no. */
const STOP = new Set(['anda', 'apakah', 'kamu', 'saya', 'yang', 'atau', 'dengan', 'dalam', 'untuk', 'dari', 'sejak', 'pada', 'have', 'your', 'with', 'that', 'this', 'there', 'were', 'been', 'from', 'since', 'last', 'days', 'hari', 'terakhir', 'misalnya', 'such', 'what', 'apa', 'ada'].map(squeeze));
/** Common complaints: naming one answers "any symptoms?" even when the question did not list it. */
const SYMPTOMS = new Set(
  ['demam', 'panas', 'meriang', 'batuk', 'pilek', 'flu', 'pusing', 'sakit', 'nyeri', 'sesak', 'lemas', 'lemes', 'mual', 'muntah', 'diare', 'mencret', 'menggigil', 'anosmia', 'fever', 'cough', 'cold', 'headache', 'sore', 'ache', 'aches', 'nausea', 'diarrhea', 'diarrhoea', 'tired', 'fatigue', 'breathless', 'chills'].map(squeeze),
);

const wordSet = (s: string) => new Set(tokens(squeeze(words(s))));

/**
 * A yes/no answer read against the question it answers (called only when the plain words were unclear):
 * - "nama saya Budi Santoso" to "is your full name Budi Santoso?" is yes when the name is in the question, no when not;
 * - "batuk dikit" to "any symptoms, such as fever or cough?" is yes: the answer names what the question asks about
 *   (or a common complaint when the question is about symptoms). An answer with a denial or a hedge is never guessed.
 */
export function yesNoFromQuestion(input: string, ctx: Pick<ParseContext, 'question'> | undefined, deny: (token: string) => boolean): boolean | undefined {
  const question = ctx?.question;
  if (!question) return undefined;
  const name = stripNameIntro(input);
  if (name !== undefined && /\bnama|\bname\b/i.test(question)) {
    const q = ` ${squeeze(words(question))} `;
    return q.includes(` ${squeeze(words(name))} `);
  }
  const toks = tokens(squeeze(words(input.slice(0, 300))));
  if (toks.length === 0 || toks.length > 6 || toks.some(deny)) return undefined;
  const content = toks.filter((t) => !DEGREE.has(t));
  const first = content[0];
  if (first === undefined || first.length < 4 || STOP.has(first)) return undefined;
  if (wordSet(question).has(first)) return true;
  const aboutSymptoms = /gejala|symptom|keluhan/.test(fold(question));
  return aboutSymptoms && SYMPTOMS.has(first) ? true : undefined;
}
