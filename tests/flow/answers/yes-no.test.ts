import { describe, expect, it } from 'vitest';
import { choicesFor, parseAnswer } from '../../../src/flow/answers/index.js';
import { ctx } from './fixtures.js';

const spec = { type: 'yes_no' } as const;

describe('yes/no answers', () => {
  it.each([
    'ya', 'Ya.', 'YA', 'iya', 'iyaa', 'Iyaaaa!!', 'y', 'Y', 'yes', 'Yes!', 'yesss', 'yep', 'yup', 'sudah', 'udah', 'betul',
    'benar', 'ok', 'oke', 'OK.', 'okay', 'ya betul', 'iya sudah', 'saya sudah', 'sudah pernah', 'ada', 'bersedia',
    'setuju', '👍', '✅', 'yes', '1',
  ])('%j means yes', (input) => {
    expect(parseAnswer(spec, input, ctx())).toEqual({ ok: true, value: true });
  });

  it.each([
    'tidak', 'TIDAK!', 'Tidak.', 'tdk', 'nggak', 'ngga', 'nggaaak', 'gak', 'ga', 'enggak', 'engga', 'no', 'No.', 'nope',
    'n', 'N', 't', 'T', 'belum', 'belum pernah', 'bukan', 'tidak ada', 'gak ada', 'tidak bersedia', 'not yet', '👎', '❌',
    'no', '2',
  ])('%j means no', (input) => {
    expect(parseAnswer(spec, input, ctx())).toEqual({ ok: true, value: false });
  });

  it.each(['', '   ', 'mungkin', 'maybe', 'tidak tahu', "don't know", 'gak tau', 'ya tidak', 'yes no', 'halo', '3', '🙂'])(
    '%j is unclear',
    (input) => {
      expect(parseAnswer(spec, input, ctx())).toEqual({ ok: false, problem: 'yes_no:unclear' });
    },
  );

  it('the values of its own buttons parse back', () => {
    for (const lang of ['id', 'en'] as const) {
      const buttons = choicesFor(spec, lang) ?? [];
      expect(buttons.map((b) => parseAnswer(spec, b.value, ctx()))).toEqual([
        { ok: true, value: true },
        { ok: true, value: false },
      ]);
      expect(buttons.map((b) => parseAnswer(spec, b.label, ctx()))).toEqual([
        { ok: true, value: true },
        { ok: true, value: false },
      ]);
    }
  });
});
