/**
 * Answer parsing for the flow engine: pure functions from what a patient typed to a saved value or a problem code.
 * Nothing here does I/O or reads the clock: `ParseContext.today` carries the date.
 */
import type { AnswerSpec, Lang } from '../definition.js';
import { choiceLabel, parseChoice } from './choice.js';
import type { ParseContext, ParseResult } from './context.js';
import { parseDate } from './date.js';
import { parseNumber } from './number.js';
import { parsePhone } from './phone.js';
import { parseText } from './text.js';
import { parseYesNo } from './yes-no.js';

export type { ParseContext, ParseFailure, ParseResult } from './context.js';
export { addDays, addMonths, formatDate, isIsoDate, isValidTimeZone, localDate, weekday } from './calendar.js';
export { resolveBound } from './date.js';
export { PROBLEM_CODES, reaskText } from './reask.js';
export { isSkip } from './skip.js';
export { DEFAULT_TEXT_MAX } from './text.js';
export { answerMatches, sameName } from './verify.js';

/** Parses a patient's text for an answer spec; never throws, whatever the string. */
export function parseAnswer(spec: AnswerSpec, input: string, ctx: ParseContext): ParseResult {
  switch (spec.type) {
    case 'text':
      return parseText(spec, input, ctx);
    case 'number':
      return parseNumber(spec, input);
    case 'yes_no':
      return parseYesNo(input, ctx);
    case 'choice':
      return parseChoice(spec, input);
    case 'date':
      return parseDate(spec, input, ctx);
    case 'phone':
      return parsePhone(spec, input, ctx);
  }
}

const YES_NO: Record<Lang, { value: string; label: string }[]> = {
  id: [
    { value: 'yes', label: 'Ya' },
    { value: 'no', label: 'Tidak' },
  ],
  en: [
    { value: 'yes', label: 'Yes' },
    { value: 'no', label: 'No' },
  ],
};

/** Buttons / numbered options for choice and yes_no specs in `lang` (value + label); undefined for other types. */
export function choicesFor(spec: AnswerSpec, lang: Lang): { value: string; label: string }[] | undefined {
  if (spec.type === 'yes_no') return YES_NO[lang].map((c) => ({ ...c }));
  if (spec.type === 'choice') return spec.choices.map((c) => ({ value: c.value, label: choiceLabel(c, lang) }));
  return undefined;
}
