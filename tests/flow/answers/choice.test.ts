import { describe, expect, it } from 'vitest';
import type { AnswerSpec } from '../../../src/flow/definition.js';
import { choicesFor, parseAnswer } from '../../../src/flow/answers/index.js';
import { ctx, settingSpec, symptomsSpec } from './fixtures.js';

describe('single choice answers', () => {
  it.each([
    ['2', 'workplace'],
    ['2.', 'workplace'],
    [' 2 ', 'workplace'],
    ['no 2', 'workplace'],
    ['No. 2', 'workplace'],
    ['nomor 2', 'workplace'],
    ['#2', 'workplace'],
    ['pilihan 3', 'health_facility'],
    ['dua', 'workplace'],
    ['workplace', 'workplace'],
    ['health_facility', 'health_facility'],
    ['Serumah', 'household'],
    ['SERUMAH ', 'household'],
    ['serumah.', 'household'],
    ['Household', 'household'],
    ['tempat   kerja', 'workplace'],
    ['Workplace', 'workplace'],
    ['Fasilitas Kesehatan', 'health_facility'],
    ['kantor', 'workplace'],
    ['rumah', 'household'],
    ['rumah sakit', 'health_facility'],
    ['Puskesmas', 'health_facility'],
    ['masjid', 'place_of_worship'],
    ['fas', 'health_facility'],
    ['lain', 'other'],
    ['lainnya', 'other'],
    ['worsh', 'place_of_worship'],
    ['di kantor', 'workplace'],
    ['di rumah sakit', 'health_facility'],
    ['Fasilitás kesehatan', 'health_facility'],
  ])('%j picks %s', (input, value) => {
    expect(parseAnswer(settingSpec, input, ctx())).toEqual({ ok: true, value });
  });

  it.each(['', '0', '6', '99', 'xyz', 'tem', 'te', '1, 2', 'pasar'])('%j is choice:unknown', (input) => {
    const result = parseAnswer(settingSpec, input, ctx());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toBe('choice:unknown');
  });

  it('labels are offered in the patient language, and every label parses back to its value', () => {
    for (const lang of ['id', 'en'] as const) {
      const options = choicesFor(settingSpec, lang) ?? [];
      expect(options.map((o) => o.value)).toEqual(settingSpec.choices.map((c) => c.value));
      for (const o of options) expect(parseAnswer(settingSpec, o.label, ctx())).toEqual({ ok: true, value: o.value });
    }
    expect(choicesFor(settingSpec, 'en')?.[0]).toEqual({ value: 'household', label: 'Household' });
    expect(choicesFor({ type: 'text' }, 'id')).toBeUndefined();
  });

  it('a label missing in one language falls back to the other', () => {
    const spec: AnswerSpec = { type: 'choice', choices: [{ value: 'a', label: { id: 'Satu saja' } }] };
    expect(choicesFor(spec, 'en')).toEqual([{ value: 'a', label: 'Satu saja' }]);
  });
});

describe('multiple choice answers', () => {
  it.each([
    ['1, 3', ['fever', 'sore_throat']],
    ['1,3', ['fever', 'sore_throat']],
    ['1 dan 3', ['fever', 'sore_throat']],
    ['1 and 3', ['fever', 'sore_throat']],
    ['1 3', ['fever', 'sore_throat']],
    ['3, 1', ['fever', 'sore_throat']],
    ['1; 2; 2', ['fever', 'cough']],
    ['2', ['cough']],
    ['batuk', ['cough']],
    ['cough', ['cough']],
    ['demam, batuk', ['fever', 'cough']],
    ['Demam dan sakit kepala', ['fever', 'headache']],
    ['panas, pusing, sesak napas', ['fever', 'headache', 'breathing']],
    ['saya ada demam dan batuk', ['fever', 'cough']],
    ['fever and loss of smell', ['fever', 'smell_loss']],
    ['demam batuk', ['fever', 'cough']],
    ['semua', ['fever', 'cough', 'sore_throat', 'headache', 'smell_loss', 'breathing']],
  ])('%j picks %j', (input, value) => {
    expect(parseAnswer(symptomsSpec, input, ctx())).toEqual({ ok: true, value });
  });

  it('a button press carries one value', () => {
    expect(parseAnswer(symptomsSpec, 'sore_throat', ctx())).toEqual({ ok: true, value: ['sore_throat'] });
  });

  it.each(['', '1, 9', 'demam, meriang', 'xyz', 'dan'])('%j is choice:unknown', (input) => {
    const result = parseAnswer(symptomsSpec, input, ctx());
    expect(!result.ok && result.problem).toBe('choice:unknown');
  });
});
