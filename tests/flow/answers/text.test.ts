import { describe, expect, it } from 'vitest';
import { DEFAULT_TEXT_MAX, parseAnswer } from '../../../src/flow/answers/index.js';
import { ctx } from './fixtures.js';

describe('text answers', () => {
  it.each([
    ['Budi Santoso', 'Budi Santoso'],
    ['  Jl. Merdeka 10, Bandung  ', 'Jl. Merdeka 10, Bandung'],
    ['Rumah 🏠 di RT 03', 'Rumah 🏠 di RT 03'],
    ['baris satu\nbaris dua', 'baris satu\nbaris dua'],
  ])('keeps %j trimmed', (input, value) => {
    expect(parseAnswer({ type: 'text' }, input, ctx())).toEqual({ ok: true, value });
  });

  it.each(['', '   ', '\n\t ', '\u00a0'])('an empty message %j is text:empty', (input) => {
    expect(parseAnswer({ type: 'text' }, input, ctx())).toEqual({ ok: false, problem: 'text:empty' });
  });

  it('a pasted 5,000-character message gets a clear re-ask, not a crash', () => {
    const result = parseAnswer({ type: 'text' }, 'a'.repeat(5000), ctx());
    expect(result).toEqual({ ok: false, problem: 'text:too_long', params: { max: DEFAULT_TEXT_MAX } });
  });

  it('respects min_length and max_length from the flow', () => {
    const spec = { type: 'text', min_length: 3, max_length: 10 } as const;
    expect(parseAnswer(spec, 'ab', ctx())).toEqual({ ok: false, problem: 'text:too_short', params: { min: 3 } });
    expect(parseAnswer(spec, 'abcdefghijk', ctx())).toEqual({ ok: false, problem: 'text:too_long', params: { max: 10 } });
    expect(parseAnswer(spec, ' abc ', ctx())).toEqual({ ok: true, value: 'abc' });
  });
});
