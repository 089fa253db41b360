import { describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../../../src/flow/definition.js';
import { PROBLEM_CODES, parseAnswer, reaskText, type ParseResult } from '../../../src/flow/answers/index.js';
import { ctx, settingSpec, symptomsSpec } from './fixtures.js';

/** One real failing answer per problem code, with a marker the re-ask must never repeat. */
const cases: [string, AnswerSpec, string][] = [
  ['text:empty', { type: 'text' }, '   '],
  ['text:too_short', { type: 'text', min_length: 10 }, 'Zqx'],
  ['text:too_long', { type: 'text', max_length: 5 }, 'Zqx rahasia'],
  ['number:unreadable', { type: 'number', min: 0, max: 20 }, 'Zqx banyak'],
  ['number:not_integer', { type: 'number', integer: true }, '2,75'],
  ['number:too_small', { type: 'number', min: 35.5 }, '30'],
  ['number:too_large', { type: 'number', max: 42 }, '137'],
  ['yes_no:unclear', { type: 'yes_no' }, 'Zqx mungkin'],
  ['choice:unknown', settingSpec, 'Zqx pasar'],
  ['date:unreadable', { type: 'date', max: 'today', min: 'answers.onset - 2d' }, 'Zqx waktu itu'],
  ['date:invalid', { type: 'date' }, '31/02/2026'],
  ['date:future', { type: 'date', max: 'today' }, '27/11/2026'],
  ['date:after_max', { type: 'date', max: 'answers.onset' }, '23/11/2026'],
  ['date:before_min', { type: 'date', min: 'answers.onset - 2d' }, '13/11/2026'],
  ['phone:invalid', { type: 'phone' }, '0899 1234'],
];

const context = ctx({ answers: { onset: '2026-11-20' } });

function failure(result: ParseResult): Extract<ParseResult, { ok: false }> {
  if (result.ok) throw new Error('expected a failure');
  return result;
}

describe('re-asks after an invalid answer', () => {
  it('every problem code the parsers produce has a table row here', () => {
    expect(cases.map(([code]) => code).sort()).toEqual([...PROBLEM_CODES].sort());
  });

  it.each(cases)('%s: a non-empty re-ask in both languages that does not echo the answer', (code, spec, input) => {
    const f = failure(parseAnswer(spec, input, context));
    expect(f.problem).toBe(code);
    const id = reaskText(spec, f, 'id', context);
    const en = reaskText(spec, f, 'en', context);
    expect(id.length).toBeGreaterThan(20);
    expect(en.length).toBeGreaterThan(20);
    expect(id).not.toBe(en);
    for (const text of [id, en]) {
      if (input.trim() !== '') expect(text).not.toContain(input.trim());
      expect(text.toLowerCase()).not.toContain('zqx');
      expect(text).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  it('says what is expected, with the limits', () => {
    const datePast = { type: 'date', max: 'today' } as const;
    const unreadable = failure(parseAnswer(datePast, 'entah kapan', context));
    expect(reaskText(datePast, unreadable, 'en', context)).toBe(
      'Please write a date with the day first, such as 24/11, or "yesterday" or "2 days ago". It cannot be in the future.',
    );
    expect(reaskText(datePast, unreadable, 'id', context)).toBe(
      'Mohon tulis tanggalnya dengan urutan tanggal/bulan, misalnya 24/11, atau tulis "kemarin" atau "2 hari lalu". ' +
        'Tanggalnya tidak boleh setelah hari ini.',
    );
    const minSpec = { type: 'date', min: 'answers.onset - 2d' } as const;
    const early = failure(parseAnswer(minSpec, '1/11', context));
    expect(reaskText(minSpec, early, 'id', context)).toContain('18 Nov 2026');
    const late = failure(parseAnswer({ type: 'number', max: 42 }, '137', context));
    expect(reaskText({ type: 'number', max: 42 }, late, 'id', context)).toContain('42');
    const temp = { type: 'number', min: 35.5 } as const;
    expect(reaskText(temp, failure(parseAnswer(temp, '30', context)), 'id', context)).toContain('35,5');
  });

  it('a choice re-ask lists the numbered options in the patient language', () => {
    const f = failure(parseAnswer(settingSpec, 'pasar', context));
    const en = reaskText(settingSpec, f, 'en', context);
    expect(en).toContain('1. Household');
    expect(en).toContain('5. Other');
    expect(reaskText(settingSpec, f, 'id', context)).toContain('2. Tempat kerja');
    const multi = failure(parseAnswer(symptomsSpec, 'xyz', context));
    expect(reaskText(symptomsSpec, multi, 'id', context)).toContain('lebih dari satu');
  });

  it('a phone re-ask shows a number from the flow country', () => {
    const sg = { type: 'phone', default_country: 'SG' } as const;
    const f = failure(parseAnswer(sg, '12', context));
    expect(reaskText(sg, f, 'en', context)).toContain('+65');
    expect(reaskText({ type: 'phone' }, f, 'id', context)).toContain('0812-3456-7890');
  });

  it('an unknown problem code gets the answer type generic re-ask', () => {
    const text = reaskText({ type: 'yes_no' }, { ok: false, problem: 'engine:something_new' }, 'id', context);
    expect(text).toBe('Maaf, mohon jawab dengan "ya" atau "tidak".');
  });
});
