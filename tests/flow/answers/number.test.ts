import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../../src/flow/answers/index.js';
import { ctx } from './fixtures.js';

const any = { type: 'number' } as const;

describe('number answers', () => {
  it.each([
    ['3', 3],
    [' 3 ', 3],
    ['3 orang', 3],
    ['3 people', 3],
    ['ada 4 orang di rumah', 4],
    ['37,5', 37.5],
    ['37.5', 37.5],
    ['37,5 derajat', 37.5],
    ['0', 0],
    ['-2', -2],
    ['1.000', 1000],
    ['1.234,5', 1234.5],
    ['1,234.5', 1234.5],
    ['0,5', 0.5],
    ['tiga (3)', 3],
    ['satu', 1],
    ['dua', 2],
    ['tiga', 3],
    ['empat', 4],
    ['lima', 5],
    ['enam', 6],
    ['tujuh', 7],
    ['delapan', 8],
    ['sembilan', 9],
    ['sepuluh', 10],
    ['sebelas', 11],
    ['dua belas', 12],
    ['Dua Belas orang', 12],
    ['dua puluh tiga', 23],
    ['seratus lima', 105],
    ['seorang', 1],
    ['one', 1],
    ['two', 2],
    ['three people', 3],
    ['ten', 10],
    ['twelve', 12],
    ['twenty-one', 21],
    ['one hundred and five', 105],
    ['tidak ada', 0],
    ['nggak ada', 0],
    ['none', 0],
    ['nobody', 0],
    ['３', 3],
  ])('reads %j as %d', (input, value) => {
    expect(parseAnswer(any, input, ctx())).toEqual({ ok: true, value });
  });

  it.each(['', 'banyak', 'abc', '3 atau 4', '3-4', '2 dewasa 1 anak', 'dua tiga', '🙂', '-', '1.2.3'])(
    'asks again for %j',
    (input) => {
      expect(parseAnswer(any, input, ctx())).toEqual({ ok: false, problem: 'number:unreadable' });
    },
  );

  it('applies min, max and integer', () => {
    const spec = { type: 'number', min: 0, max: 50, integer: true } as const;
    expect(parseAnswer(spec, '-1', ctx())).toEqual({ ok: false, problem: 'number:too_small', params: { min: 0 } });
    expect(parseAnswer(spec, '51', ctx())).toEqual({ ok: false, problem: 'number:too_large', params: { max: 50 } });
    expect(parseAnswer(spec, '2,5', ctx())).toEqual({ ok: false, problem: 'number:not_integer' });
    expect(parseAnswer(spec, '50', ctx())).toEqual({ ok: true, value: 50 });
  });

  it('a body temperature with an Indonesian comma is within a 35-42 range', () => {
    const spec = { type: 'number', min: 35, max: 42 } as const;
    expect(parseAnswer(spec, 'suhu 38,2', ctx())).toEqual({ ok: true, value: 38.2 });
  });
});
