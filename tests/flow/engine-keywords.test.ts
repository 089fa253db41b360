import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../src/flow/engine.js';
import { isNoneAnswer, matchKeyword, normaliseKeyword } from '../../src/flow/keywords.js';
import { CLOCK, flowOf, messages, ofType, play, texts } from './engine-support.js';

const T = (id: string, en: string) => ({ id, en });
const flow = flowOf({
  steps: [
    { id: 'name', type: 'ask', text: T('Siapa nama Anda?', 'What is your name?'), answer: { type: 'text' } },
    { id: 'sym', type: 'ask', text: T('Ada gejala?', 'Any symptoms?'), answer: { type: 'yes_no' } },
    { id: 'done', type: 'end', text: T('Selesai.', 'Done.') },
  ],
});

describe('asking for a person', () => {
  it.each([
    'petugas', 'PETUGAS!', 'tracer', 'bantuan', 'help', '/help', 'operator', 'manusia', 'tolong',
    'mau bicara dengan petugas', 'Saya ingin bicara sama petugas aja', 'talk to a person', 'I want to speak to a human',
    'can I talk to someone', 'Petugás',
  ])('"%s" hands the chat to a tracer at the current step', (said) => {
    const { state, last } = play(flow, [said]);
    expect(ofType(last, 'escalated')).toEqual([{ type: 'escalated', step: 'name', reason: 'patient_asked', priority: 'normal' }]);
    expect(texts(last)).toEqual([expect.stringMatching(/petugas kami akan segera membalas/i)]);
    expect(state).toMatchObject({ status: 'handed_off', stepId: 'name' });
  });

  it.each(['my son helps me', 'Petugas Budi', 'tolong dicatat ya: Siti', 'help desk'])('"%s" is an answer, not a keyword', (said) => {
    const { state, last } = play(flow, [said]);
    expect(ofType(last, 'escalated')).toEqual([]);
    expect(state.answers.name).toBe(said);
  });

  it('works after the interview is complete', () => {
    const done = play(flow, ['Ani', 'tidak']).state;
    const r = step(flow, done, { kind: 'text', text: 'petugas' }, CLOCK);
    expect(ofType(r.events, 'escalated')).toMatchObject([{ reason: 'patient_asked' }]);
  });

  it('a button press is never a keyword', () => {
    const { state } = play(flow, [{ kind: 'choice', value: 'help' }]);
    expect(state.answers.name).toBe('help');
  });
});

describe('stopping', () => {
  it('asks to confirm with yes/no buttons, then opts out and says goodbye', () => {
    const confirm = play(flow, ['berhenti']);
    expect(messages(confirm.last)).toEqual([
      expect.objectContaining({ text: expect.stringMatching(/yakin ingin berhenti/), expects: 'yes_no', choices: [{ value: 'yes', label: 'Ya' }, { value: 'no', label: 'Tidak' }] }),
    ]);
    expect(confirm.state.confirmingStop).toBe(true);
    const stopped = play(flow, ['ya'], { state: confirm.state });
    expect(ofType(stopped.last, 'opted_out')).toEqual([{ type: 'opted_out', step: 'name' }]);
    expect(texts(stopped.last)).toEqual([expect.stringMatching(/tidak akan mengirim pesan lagi/)]);
    expect(stopped.state.status).toBe('stopped');
  });

  it.each(['stop', 'STOP', '/stop', 'unsubscribe', 'Berhenti.'])('"%s" asks to confirm', (said) => {
    expect(play(flow, [said]).state.confirmingStop).toBe(true);
  });

  it('"no" continues with the same question', () => {
    const { state, last } = play(flow, ['stop', 'tidak']);
    expect(texts(last)).toEqual(['Baik, kita lanjutkan.', 'Siapa nama Anda?']);
    expect(state).toMatchObject({ status: 'active', confirmingStop: false, stepId: 'name' });
  });

  it('"stop" twice confirms', () => {
    expect(play(flow, ['stop', 'stop']).state.status).toBe('stopped');
  });

  it('an answer instead of yes/no drops the confirmation and counts as the answer', () => {
    const { state } = play(flow, ['stop', 'Siti Aminah']);
    expect(state).toMatchObject({ confirmingStop: false, stepId: 'sym', answers: { name: 'Siti Aminah' } });
  });

  it('a reminder while confirming repeats the confirmation', () => {
    const { last } = play(flow, ['stop', { kind: 'reminder' }]);
    expect(texts(last).at(-1)).toMatch(/yakin ingin berhenti/);
  });
});

describe('changing language', () => {
  it.each(['english', 'English please', 'bahasa inggris', 'en', 'Inggris'])('"%s" switches to English and repeats the question', (said) => {
    const { state, last } = play(flow, [said]);
    expect(ofType(last, 'language_changed')).toEqual([{ type: 'language_changed', lang: 'en' }]);
    expect(texts(last)).toEqual(["Okay, we'll continue in English.", 'What is your name?']);
    expect(state.lang).toBe('en');
  });

  it.each(['indonesia', 'bahasa indonesia', 'bahasa', 'id'])('"%s" switches back to Bahasa Indonesia', (said) => {
    const { state, last } = play(flow, [said], { lang: 'en' });
    expect(texts(last)).toEqual(['Baik, kita lanjutkan dalam Bahasa Indonesia.', 'Siapa nama Anda?']);
    expect(state.lang).toBe('id');
  });

  it('naming the current language is an answer ("Indonesia" to a text question)', () => {
    expect(play(flow, ['Indonesia']).state.answers.name).toBe('Indonesia');
  });

  it('a flow without English treats "english" as an answer', () => {
    const idOnly = flowOf({ languages: ['id'], steps: [{ id: 'q', type: 'ask', text: { id: 'Dari mana?' }, answer: { type: 'text' } }] });
    expect(play(idOnly, ['english']).state.answers.q).toBe('english');
  });

  it('before the first message, "english" starts the interview in English', () => {
    const r = step(flow, initialState(flow), { kind: 'text', text: 'english' }, CLOCK);
    expect(texts(r.events)).toEqual(["Okay, we'll continue in English.", 'What is your name?']);
  });
});

describe('keyword helpers', () => {
  it('normalises case, accents, punctuation, emoji and Telegram commands', () => {
    expect(normaliseKeyword('  /Help@tracebot_bot ')).toBe('help');
    expect(normaliseKeyword('Petugás!!! 🙏')).toBe('petugas');
  });

  it('recognises "nobody / no more" answers in both languages', () => {
    expect(['tidak ada', 'Gak ada.', 'none', "that's all", 'sudah itu saja'].every(isNoneAnswer)).toBe(true);
    expect(isNoneAnswer('Siti')).toBe(false);
  });

  it('offers only the languages a flow has', () => {
    expect(matchKeyword('english', ['id'])).toBeNull();
    expect(matchKeyword('english', ['id', 'en'])).toEqual({ kind: 'language', lang: 'en' });
  });
});
