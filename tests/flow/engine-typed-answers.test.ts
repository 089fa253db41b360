import { describe, expect, it } from 'vitest';
import { flowOf, play } from './engine-support.js';

// The engine hands a parser the question it asked, so "batuk dikit" answers a symptom question; a stop confirmation
// is read without it, so the same words never end an interview.
const flow = flowOf({
  languages: ['id'],
  default_language: 'id',
  steps: [
    { id: 'has_symptoms', type: 'ask', text: { id: 'Apakah Anda merasakan gejala, misalnya demam atau batuk?' }, answer: { type: 'yes_no' } },
    { id: 'contacts', type: 'collect', kind: 'contact', questions: [{ id: 'name', text: { id: 'Siapa nama orang itu?' }, answer: { type: 'text' } }], more: { id: 'Ada lagi?' }, max: 3 },
    { id: 'bye', type: 'end', text: { id: 'Terima kasih.' } },
  ],
});

describe('answers read against the question asked', () => {
  it('"batuk dikit" to a yes/no symptom question is saved as yes, and a contact introduced by name keeps the name alone', () => {
    const r = play(flow, ['batuk dikit', 'namanya Ani', 'tidak']);
    expect(r.state.answers.has_symptoms).toBe(true);
    expect(r.state.lists.contacts).toEqual([{ name: 'Ani' }]);
    const r2 = play(flow, ['batuk dikit', 'nama saya Budi Santoso', 'tidak']);
    expect(r2.state.lists.contacts).toEqual([{ name: 'Budi Santoso' }]);
  });

  it('a stop confirmation is not answered by words about the pending question', () => {
    const r = play(flow, ['berhenti', 'batuk dikit']);
    expect(r.all.some((e) => e.type === 'opted_out')).toBe(false);
    expect(r.state.answers.has_symptoms).toBe(true);
  });
});
