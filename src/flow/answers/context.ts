import type { Lang } from '../definition.js';
import type { AnswerValue } from '../types.js';

/** What a parser needs besides the text: the engine builds it once per turn from the clock and the conversation. */
export interface ParseContext {
  /** Local date YYYY-MM-DD in the flow's timezone (the engine computes it from the clock). */
  today: string;
  /** 'id' | 'en': for messages only; parsing accepts both languages always. */
  lang: Lang;
  /** Answers so far, for date bounds like `answers.onset_date - 2d`. */
  answers: Record<string, AnswerValue>;
  /** ISO country for phones written without a country code, e.g. 'ID'. */
  defaultCountry: string;
  /** The question being answered, as the patient saw it: a yes/no answer may echo it ("batuk dikit"). */
  question?: string;
  /** The answer key or collect question id (`name`, `full_name`): a name question drops "nama saya". */
  key?: string;
}

/** A parsed answer, or a problem code (`type:reason`) with the values a re-ask needs. */
export type ParseResult =
  | { ok: true; value: AnswerValue }
  | { ok: false; problem: string; params?: Record<string, string | number> };

/** The failure half of ParseResult, as reaskText takes it. */
export type ParseFailure = Extract<ParseResult, { ok: false }>;

/** Builds a failure result. */
export function fail(problem: string, params?: Record<string, string | number>): ParseFailure {
  return params ? { ok: false, problem, params } : { ok: false, problem };
}
