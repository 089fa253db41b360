import { describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../../../src/flow/definition.js';
import { parseAnswer } from '../../../src/flow/answers/index.js';
import { ctx, TODAY } from './fixtures.js';

const any = { type: 'date' } as const satisfies AnswerSpec;
const past = { type: 'date', max: 'today' } as const satisfies AnswerSpec;

describe(`date answers (today is Wednesday ${TODAY})`, () => {
  it.each([
    ['25/11', '2026-11-25'],
    ['25-11', '2026-11-25'],
    ['25.11', '2026-11-25'],
    ['25 / 11', '2026-11-25'],
    ['5/1', '2026-01-05'],
    ['05/01', '2026-01-05'],
    ['25/11/2026', '2026-11-25'],
    ['25-11-2026', '2026-11-25'],
    ['25.11.2026.', '2026-11-25'],
    ['25-11-26', '2026-11-25'],
    ['1/2/98', '1998-02-01'],
    ['2026-11-25', '2026-11-25'],
    ['2026/11/5', '2026-11-05'],
    ['25 Nov', '2026-11-25'],
    ['25 nov.', '2026-11-25'],
    ['25nov', '2026-11-25'],
    ['25 November 2026', '2026-11-25'],
    ['25 Nopember 2026', '2026-11-25'],
    ['November 25, 2026', '2026-11-25'],
    ['Nov 20th', '2026-11-20'],
    ['tanggal 20 November', '2026-11-20'],
    ['tgl 20', '2026-11-20'],
    ['tanggal 30', '2026-10-30'],
    ['1 Januari', '2026-01-01'],
    ['14 Februari', '2026-02-14'],
    ['17 Maret 2026', '2026-03-17'],
    ['1 April 2026', '2026-04-01'],
    ['2 Mei 2026', '2026-05-02'],
    ['3 Juni 2026', '2026-06-03'],
    ['4 Juli 2026', '2026-07-04'],
    ['17 Agustus', '2026-08-17'],
    ['17 Agu', '2026-08-17'],
    ['17 Agt', '2026-08-17'],
    ['17 Ags', '2026-08-17'],
    ['1 September 2026', '2026-09-01'],
    ['1 Sept', '2026-09-01'],
    ['5 Oktober', '2026-10-05'],
    ['5 Okt', '2026-10-05'],
    ['20 Nop', '2026-11-20'],
    ['24 Des', '2025-12-24'],
    ['24 Desember', '2025-12-24'],
    ['26/11', '2025-11-26'],
    ['29/02', '2024-02-29'],
    ['hari ini', '2026-11-25'],
    ['Hari ini.', '2026-11-25'],
    ['today', '2026-11-25'],
    ['tadi pagi', '2026-11-25'],
    ['kemarin', '2026-11-24'],
    ['Kemarin!', '2026-11-24'],
    ['kmrn', '2026-11-24'],
    ['kemarin sore', '2026-11-24'],
    ['sejak kemarin', '2026-11-24'],
    ['yesterday', '2026-11-24'],
    ['tadi malam', '2026-11-24'],
    ['kemarin lusa', '2026-11-23'],
    ['2 hari lalu', '2026-11-23'],
    ['2 hari yang lalu', '2026-11-23'],
    ['2 hari yg lalu', '2026-11-23'],
    ['dua hari lalu', '2026-11-23'],
    ['2 days ago', '2026-11-23'],
    ['two days ago', '2026-11-23'],
    ['3 hari lalu', '2026-11-22'],
    ['sekitar 3 hari yang lalu', '2026-11-22'],
    ['seminggu lalu', '2026-11-18'],
    ['seminggu yang lalu', '2026-11-18'],
    ['1 minggu lalu', '2026-11-18'],
    ['a week ago', '2026-11-18'],
    ['2 minggu lalu', '2026-11-11'],
    ['sebulan lalu', '2026-10-25'],
    ['Senin lalu', '2026-11-23'],
    ['senin kemarin', '2026-11-23'],
    ['hari Senin', '2026-11-23'],
    ['last Monday', '2026-11-23'],
    ['Senin', '2026-11-23'],
    ['Monday', '2026-11-23'],
    ['Selasa', '2026-11-24'],
    ['Rabu', '2026-11-25'],
    ['Wednesday', '2026-11-25'],
    ['Rabu lalu', '2026-11-18'],
    ['last Wednesday', '2026-11-18'],
    ['Kamis', '2026-11-19'],
    ['Jumat', '2026-11-20'],
    ["Jum'at", '2026-11-20'],
    ['Jum’at lalu', '2026-11-20'],
    ['Sabtu', '2026-11-21'],
    ['Minggu', '2026-11-22'],
    ['Minggu lalu', '2026-11-22'],
    ['Ahad', '2026-11-22'],
    ['Senin minggu lalu', '2026-11-16'],
    ['Senin, 23/11', '2026-11-23'],
  ])('%j is %s', (input, value) => {
    expect(parseAnswer(any, input, ctx())).toEqual({ ok: true, value });
  });

  it.each(['', '   ', 'xyz', 'November', 'bulan lalu', 'last week', '25', '2 hari', 'sometime', '🙂', '25 11'])(
    '%j is date:unreadable',
    (input) => {
      expect(parseAnswer(any, input, ctx())).toEqual({ ok: false, problem: 'date:unreadable' });
    },
  );

  it.each(['31/02', '31/02/2026', '30 Februari', '32/11', '11/25', '0/11', '25/13/2026'])(
    '%j does not exist (day first, never month first)',
    (input) => {
      expect(parseAnswer(any, input, ctx())).toEqual({ ok: false, problem: 'date:invalid' });
    },
  );

  it('a future date is refused when the limit is today', () => {
    const future = { ok: false, problem: 'date:future', params: { max: '25 Nov 2026', max_iso: TODAY } };
    expect(parseAnswer(past, 'besok', ctx())).toEqual(future);
    expect(parseAnswer(past, 'tomorrow', ctx())).toEqual(future);
    expect(parseAnswer(past, '26/11/2026', ctx())).toEqual(future);
    expect(parseAnswer(past, 'hari ini', ctx())).toEqual({ ok: true, value: TODAY });
    expect(parseAnswer(any, 'besok', ctx())).toEqual({ ok: true, value: '2026-11-26' });
  });

  it('limits relative to earlier answers: contacts from 2 days before onset', () => {
    const spec = { type: 'date', min: 'answers.onset_date - 2d', max: 'today' } as const;
    const c = ctx({ answers: { onset_date: '2026-11-20' } });
    expect(parseAnswer(spec, '18/11', c)).toEqual({ ok: true, value: '2026-11-18' });
    expect(parseAnswer(spec, '17/11', c)).toEqual({
      ok: false,
      problem: 'date:before_min',
      params: { min: '18 Nov 2026', min_iso: '2026-11-18' },
    });
    expect(parseAnswer(spec, '17/11', { ...c, lang: 'en' })).toMatchObject({ params: { min: '18 Nov 2026' } });
  });

  it('an upper limit other than today is date:after_max', () => {
    const spec = { type: 'date', max: 'answers.test_date + 1d' } as const;
    const c = ctx({ answers: { test_date: '2026-08-16' } });
    expect(parseAnswer(spec, '17 Agustus 2026', c)).toEqual({ ok: true, value: '2026-08-17' });
    expect(parseAnswer(spec, '18/8/2026', c)).toEqual({
      ok: false,
      problem: 'date:after_max',
      params: { max: '17 Agu 2026', max_iso: '2026-08-17' },
    });
  });

  it('a bound on a missing or non-date answer is ignored', () => {
    const spec = { type: 'date', min: 'answers.onset_date - 2d', max: 'answers.other' } as const;
    const c = ctx({ answers: { other: 'tidak tahu' } });
    expect(parseAnswer(spec, '1/1/2020', c)).toEqual({ ok: true, value: '2020-01-01' });
  });

  it('ISO bounds and positive offsets work', () => {
    const spec = { type: 'date', min: '2026-11-01', max: 'today + 7d' } as const;
    expect(parseAnswer(spec, '2/12/2026', ctx())).toEqual({ ok: true, value: '2026-12-02' });
    expect(parseAnswer(spec, '3/12/2026', ctx())).toMatchObject({ ok: false, problem: 'date:after_max' });
    expect(parseAnswer(spec, '31/10/2026', ctx())).toMatchObject({ ok: false, problem: 'date:before_min' });
  });

  it('on 1 January a year-less date is last year', () => {
    const c = ctx({ today: '2027-01-01' });
    expect(parseAnswer(any, '31/12', c)).toEqual({ ok: true, value: '2026-12-31' });
    expect(parseAnswer(any, 'kemarin', c)).toEqual({ ok: true, value: '2026-12-31' });
    expect(parseAnswer(any, '1/1', c)).toEqual({ ok: true, value: '2027-01-01' });
  });
});
