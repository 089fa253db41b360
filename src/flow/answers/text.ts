import type { AnswerSpec } from '../definition.js';
import { fail, type ParseContext, type ParseResult } from './context.js';
import { isNameKey, stripNameIntro } from './name-intro.js';

type TextSpec = Extract<AnswerSpec, { type: 'text' }>;

/** Longest free text kept when a flow sets no `max_length`: a pasted essay gets a re-ask, never a crash. */
export const DEFAULT_TEXT_MAX = 2000;

/**
 * Free text, trimmed; problems `text:empty`, `text:too_short` {min}, `text:too_long` {max}. Lengths are UTF-16 units.
 * For a name question ("nama saya Budi Santoso") the introduction is dropped and the name kept.
 */
export function parseText(spec: TextSpec, input: string, ctx?: Pick<ParseContext, 'key'>): ParseResult {
  const value = (isNameKey(ctx?.key) ? stripNameIntro(input) : undefined) ?? input.trim();
  if (value === '') return fail('text:empty');
  const max = spec.max_length ?? DEFAULT_TEXT_MAX;
  if (value.length > max) return fail('text:too_long', { max });
  if (spec.min_length !== undefined && value.length < spec.min_length) return fail('text:too_short', { min: spec.min_length });
  return { ok: true, value };
}
