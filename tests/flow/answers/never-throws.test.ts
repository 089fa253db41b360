import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../../../src/flow/definition.js';
import { isSkip, parseAnswer, reaskText } from '../../../src/flow/answers/index.js';
import { ctx, settingSpec, symptomsSpec } from './fixtures.js';

const specs: AnswerSpec[] = [
  { type: 'text' },
  { type: 'text', min_length: 2, max_length: 100 },
  { type: 'number' },
  { type: 'number', min: 0, max: 50, integer: true },
  { type: 'yes_no' },
  settingSpec,
  symptomsSpec,
  { type: 'date' },
  { type: 'date', min: 'answers.onset - 2d', max: 'today' },
  { type: 'phone' },
  { type: 'phone', default_country: 'GB' },
];

const nasty = [
  '',
  ' ',
  ' '.repeat(5000),
  'a'.repeat(5000),
  '9'.repeat(5000),
  '1,'.repeat(2500),
  '1.'.repeat(2500),
  '-'.repeat(5000),
  'ya '.repeat(1700),
  '25/11 '.repeat(800),
  '0812-'.repeat(1000),
  '😷🤒🇮🇩👍🏽‍♂️',
  'مرحبا كيف حالك ١٢٣',
  '\u202Eoknas\u202C',
  'שלום 3',
  '\u0000\u0001\u001f',
  '\ud800',
  '\udfff\ud800',
  'Ǆǅǆ ǈ',
  'İstanbul ß ﬁ',
  '１２／１１',
  '٣ orang',
  '२०२६-११-२५',
  'NaN',
  'Infinity',
  '1e309',
  '__proto__',
  'constructor',
  'toString',
];

const input = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({
    unit: fc.constantFrom('1', '2', '9', '0', '/', '-', '.', ',', ' ', '+', '(', ')', 'a', 'ya', 'dan', 'nov', 'lalu', 'hari'),
    maxLength: 60,
  }),
  fc.constantFrom(...nasty),
);

function checkValue(spec: AnswerSpec, value: unknown): void {
  switch (spec.type) {
    case 'text':
    case 'phone':
      expect(typeof value).toBe('string');
      break;
    case 'number':
      expect(Number.isFinite(value)).toBe(true);
      break;
    case 'yes_no':
      expect(typeof value).toBe('boolean');
      break;
    case 'choice': {
      const values = spec.choices.map((c) => c.value);
      if (spec.multiple) {
        expect(Array.isArray(value)).toBe(true);
        for (const v of value as unknown[]) expect(values).toContain(v);
      } else {
        expect(values).toContain(value);
      }
      break;
    }
    case 'date':
      expect(value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      break;
  }
}

describe('parsers never throw', () => {
  const context = ctx({ answers: { onset: '2026-11-20' } });

  it('any string, for every answer type, gives a result; every failure has a re-ask in both languages', () => {
    fc.assert(
      fc.property(input, fc.constantFrom(...specs), (text, spec) => {
        const result = parseAnswer(spec, text, context);
        if (result.ok) {
          checkValue(spec, result.value);
        } else {
          expect(result.problem).toMatch(/^[a-z_]+:[a-z_]+$/);
          expect(reaskText(spec, result, 'id', context).length).toBeGreaterThan(0);
          expect(reaskText(spec, result, 'en', context).length).toBeGreaterThan(0);
        }
        expect(typeof isSkip(text)).toBe('boolean');
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });

  it.each(nasty.map((text, i) => [i, text] as const))('nasty input #%d is handled by every type', (_i, text) => {
    for (const spec of specs) {
      const result = parseAnswer(spec, text, context);
      if (result.ok) checkValue(spec, result.value);
      else expect(reaskText(spec, result, 'id', context)).not.toBe('');
    }
  });
});
