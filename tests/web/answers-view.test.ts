import { describe, expect, it } from 'vitest';
import { loadFlowFile } from '../../src/flow/load.js';
import { answerGlossary } from '../../src/services/answer-glossary.js';
import { answerLabel, answerValue, answerWords, reasonDetail } from '../../src/web/views/answers.js';

const loaded = loadFlowFile(new URL('../../flows/case-interview.yaml', import.meta.url).pathname);
if (!loaded.ok) throw new Error('the default flow must load');
const glossary = answerGlossary([loaded.flow]);

describe('saved answers as people read them', () => {
  it('names answer keys and choices in the UI language, never the key or stored value', () => {
    expect(answerLabel('id', 'has_symptoms', glossary.get('has_symptoms'))).toBe('Ada gejala');
    expect(answerLabel('en', 'reference_date', glossary.get('reference_date'))).toBe('Symptom onset or swab date');
    expect(answerWords('id', true, glossary.get('has_symptoms'))).toBe('ya');
    expect(answerWords('id', ['fever', 'breathing'], glossary.get('symptoms'))).toBe('Demam, Sesak napas');
    expect(answerWords('en', ['fever', 'breathing'], glossary.get('symptoms'))).toBe('Fever, Difficulty breathing');
    expect(answerWords('en', '2026-11-20', glossary.get('reference_date'))).toBe('20 Nov 2026');
  });

  it('falls back to the flow question for a key the catalogue does not know', () => {
    const custom = answerGlossary([{ ...loaded.flow, steps: [{ id: 'pet_owner', type: 'ask', text: { id: 'Apakah Anda memelihara hewan? Jawab ya atau tidak.', en: 'Do you keep pets? Answer yes or no.' }, answer: { type: 'yes_no' } }] }]);
    expect(answerLabel('en', 'pet_owner', custom.get('pet_owner'))).toBe('Do you keep pets?');
    expect(answerLabel('id', 'unknown_key')).toBe('unknown key');
  });

  it('shows a list of contacts as a table with a column per question and readable cells', () => {
    const contacts = [
      { name: 'Siti', phone: '+6281234567890', setting: 'household', last_contact: '2026-11-18', symptoms: false },
      { name: 'Andi', setting: 'workplace', last_contact: '2026-11-17', symptoms: true },
    ];
    const out = answerValue('id', contacts, glossary.get('contacts')).value;
    expect(out).toContain('<table class="answer-list">');
    expect(out).toMatch(/<th>Nama<\/th><th>Nomor HP<\/th><th>Tempat bertemu<\/th><th>Kontak terakhir<\/th><th>Gejala<\/th>/);
    expect(out).toContain('<td>Siti</td><td>+6281234567890</td><td>Serumah</td><td>18 Nov 2026</td><td>tidak</td>');
    expect(out).toContain('<td>Andi</td><td>—</td>');
    expect(out).not.toContain('[object Object]');
    expect(out).not.toContain('household');
  });

  it('escapes what a patient typed inside a list', () => {
    expect(answerValue('en', [{ name: '<b>x</b>' }], glossary.get('contacts')).value).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('turns a flow reason code into words', () => {
    expect(reasonDetail('id', 'breathing_difficulty')).toBe('sesak napas');
    expect(reasonDetail('en', 'some_new_code')).toBe('some new code');
  });
});
