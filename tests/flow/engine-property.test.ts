import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialState, step } from '../../src/flow/engine.js';
import type { ConversationState, EngineInput } from '../../src/flow/types.js';
import { CLOCK, defaultFlow, messages, ofType } from './engine-support.js';

const flow = defaultFlow();
const handedOff = (lang: 'id' | 'en'): ConversationState => ({
  ...initialState(flow, { lang, case: { name: 'Budi', date_of_birth: '1990-03-14' } }),
  status: 'handed_off',
});

/** The default flow waiting at each of its questions (and at each question of its collect steps), in both languages. */
function waitingStates(): ConversationState[] {
  const states: ConversationState[] = [];
  for (const lang of ['id', 'en'] as const) {
    const base = handedOff(lang);
    states.push(initialState(flow, { lang }));
    for (const s of flow.steps) {
      if (s.type !== 'ask' && s.type !== 'collect') continue;
      const at = step(flow, base, { kind: 'resume', stepId: s.id }, CLOCK).state;
      states.push(at, { ...at, confirmingStop: true });
      if (s.type === 'collect') {
        const item = { name: 'Siti' };
        for (let q = 1; q < s.questions.length; q++) states.push({ ...at, collect: { question: q, item, items: [] } });
        states.push({ ...at, collect: { question: -1, item: {}, items: [{ name: 'Siti' }] } });
      }
    }
    states.push({ ...base, status: 'completed', stepId: null });
  }
  return states;
}

const STATES = waitingStates();
const WORDS = [
  'ya', 'tidak', 'yes', 'no', 'petugas', 'stop', 'berhenti', 'english', 'indonesia', 'lewati', 'tidak ada', 'kemarin',
  '0812-3456-7890', '3', '1, 5', 'sesak napas', 'Siti Aminah', '', ' ', '{{case.name}}', '$where', '/start', '🙂',
];
const anyText = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 50 }), fc.constantFrom(...WORDS));

describe('the engine on any input', () => {
  it('never throws and always answers unless a tracer has the chat or the patient stopped', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), anyText, (state, said) => {
        const r = step(flow, state, { kind: 'text', text: said }, CLOCK);
        expect(ofType(r.events, 'error')).toEqual([]);
        if (r.state.status !== 'handed_off' && r.state.status !== 'stopped') {
          expect(messages(r.events).length).toBeGreaterThanOrEqual(1);
        }
        for (const m of messages(r.events)) expect(m.text.trim()).not.toBe('');
        expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
      }),
      { numRuns: 2000 },
    );
  });

  const input: fc.Arbitrary<EngineInput> = fc.oneof(
    { weight: 6, arbitrary: anyText.map((text) => ({ kind: 'text', text }) as EngineInput) },
    { weight: 1, arbitrary: fc.constantFrom('yes', 'no', 'home', 'fever', 'bogus').map((value) => ({ kind: 'choice', value }) as EngineInput) },
    { weight: 1, arbitrary: fc.constantFrom('sticker', 'voice', 'photo').map((media) => ({ kind: 'media', media }) as EngineInput) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.record({ name: fc.string({ maxLength: 20 }), phone: fc.oneof(fc.constant('0812 3456 7890'), fc.string({ maxLength: 15 })) }), { maxLength: 3 })
        .map((contacts) => ({ kind: 'contacts', contacts }) as EngineInput),
    },
    { weight: 1, arbitrary: fc.record({ latitude: fc.double(), longitude: fc.double() }).map((l) => ({ kind: 'location', ...l }) as EngineInput) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reminder' } as EngineInput) },
    { weight: 1, arbitrary: fc.option(fc.constantFrom(...flow.steps.map((s) => s.id), 'nope'), { nil: undefined }).map((stepId) => (stepId ? { kind: 'resume', stepId } : { kind: 'resume' }) as EngineInput) },
  );

  it('any sequence of inputs from the start keeps the conversation consistent', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (inputs) => {
        let state = initialState(flow, { case: { name: 'Budi' } });
        for (const i of [{ kind: 'start' } as EngineInput, ...inputs]) {
          const before = state.status;
          const r = step(flow, state, i, CLOCK);
          // An unknown resume target is the only error a well-formed flow may report.
          expect(ofType(r.events, 'error').every((e) => e.code === 'flow:unknown_step' && i.kind === 'resume')).toBe(true);
          if (before === 'stopped') expect(r.events).toEqual([]);
          if (before === 'handed_off' && i.kind !== 'resume') expect(r.events).toEqual([]);
          if (r.state.status === 'active') expect(r.state.stepId).not.toBeNull();
          state = r.state;
        }
      }),
      { numRuns: 400 },
    );
  });
});
