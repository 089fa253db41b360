import { describe, expect, it } from 'vitest';
import { clockAtLocal } from '../../src/flow/clock.js';
import type { AnswerSpec } from '../../src/flow/definition.js';
import { initialState, step } from '../../src/flow/engine.js';
import type { ConversationState, EngineInput } from '../../src/flow/types.js';
import { CLOCK, flowOf, messages, ofType, play, texts } from './engine-support.js';

const T = (id: string, en = id) => ({ id, en });

/** A flow with one question of the given spec between a greeting and an end. */
function oneQuestion(answer: AnswerSpec, extra: Record<string, unknown> = {}) {
  return flowOf({
    steps: [
      { id: 'hello', type: 'say', text: T('Halo', 'Hello') },
      { id: 'q', type: 'ask', text: T('Pertanyaan?', 'Question?'), answer, ...extra },
      { id: 'bye', type: 'end', text: T('Selesai {{answers.q}}', 'Done {{answers.q}}') },
    ],
  });
}

describe('starting a conversation', () => {
  it('runs say steps until the first question and waits there', () => {
    const { state, last } = play(oneQuestion({ type: 'text' }), []);
    expect(texts(last)).toEqual(['Halo', 'Pertanyaan?']);
    expect(messages(last).map((m) => m.expects)).toEqual([null, 'text']);
    expect(state).toMatchObject({ status: 'active', stepId: 'q' });
  });

  it('starts at `start` when the flow names one', () => {
    const flow = flowOf({
      start: 'q',
      steps: [
        { id: 'hello', type: 'say', text: T('Halo') },
        { id: 'q', type: 'ask', text: T('Pertanyaan?'), answer: { type: 'text' } },
      ],
    });
    expect(texts(play(flow, []).last)).toEqual(['Pertanyaan?']);
  });

  it('re-sends the current question when `start` arrives again (the patient tapped the link twice)', () => {
    const flow = oneQuestion({ type: 'yes_no' });
    const { last, state } = play(flow, [{ kind: 'start' }]);
    expect(texts(last)).toEqual(['Pertanyaan?']);
    expect(messages(last)[0]?.choices?.map((c) => c.value)).toEqual(['yes', 'no']);
    expect(state.stepId).toBe('q');
  });

  it('begins the interview when the patient writes first', () => {
    const flow = oneQuestion({ type: 'text' });
    const r = step(flow, initialState(flow), { kind: 'text', text: 'halo' }, CLOCK);
    expect(texts(r.events)).toEqual(['Halo', 'Pertanyaan?']);
    expect(r.state.status).toBe('active');
  });

  it('uses the language asked for, or the flow default for one it does not have', () => {
    const flow = oneQuestion({ type: 'text' });
    expect(texts(play(flow, [], { lang: 'en' }).last)).toEqual(['Hello', 'Question?']);
    const idOnly = flowOf({ languages: ['id'], steps: [{ id: 'q', type: 'ask', text: { id: 'Nama?' }, answer: { type: 'text' } }] });
    expect(initialState(idOnly, { lang: 'en' }).lang).toBe('id');
  });
});

describe('answer types', () => {
  const cases: { name: string; spec: AnswerSpec; good: string; value: unknown; bad: string; choices?: string[] }[] = [
    { name: 'text', spec: { type: 'text', min_length: 2 }, good: 'Siti Aminah', value: 'Siti Aminah', bad: 'x' },
    { name: 'number', spec: { type: 'number', min: 0, max: 30, integer: true }, good: 'tiga', value: 3, bad: '45' },
    { name: 'yes_no', spec: { type: 'yes_no' }, good: 'iya', value: true, bad: 'mungkin', choices: ['yes', 'no'] },
    {
      name: 'choice',
      spec: { type: 'choice', choices: [{ value: 'home', label: T('Rumah', 'Home') }, { value: 'hospital', label: T('Rumah sakit', 'Hospital') }] },
      good: '2',
      value: 'hospital',
      bad: 'kapal',
      choices: ['home', 'hospital'],
    },
    {
      name: 'multiple choice',
      spec: { type: 'choice', multiple: true, choices: [{ value: 'fever', label: T('Demam', 'Fever') }, { value: 'cough', label: T('Batuk', 'Cough') }] },
      good: 'demam dan batuk',
      value: ['fever', 'cough'],
      bad: 'pusing sekali',
      choices: ['fever', 'cough'],
    },
    { name: 'date', spec: { type: 'date', max: 'today' }, good: 'kemarin', value: '2026-11-24', bad: 'besok' },
    { name: 'phone', spec: { type: 'phone' }, good: '0812-3456-7890', value: '+6281234567890', bad: '12' },
  ];

  for (const c of cases) {
    it(`saves a valid ${c.name} answer and moves on`, () => {
      const { state, last } = play(oneQuestion(c.spec), [c.good]);
      expect(ofType(last, 'answer_saved')).toEqual([{ type: 'answer_saved', step: 'q', key: 'q', value: c.value, raw: c.good }]);
      expect(state.answers.q).toEqual(c.value);
      expect(state.status).toBe('completed');
    });

    it(`re-asks an invalid ${c.name} answer with the question's choices`, () => {
      const { state, last } = play(oneQuestion(c.spec), [c.bad]);
      expect(ofType(last, 'invalid_answer')).toMatchObject([{ step: 'q', attempt: 1 }]);
      const [reask] = messages(last);
      expect(reask?.expects).toBe(c.spec.type);
      expect(reask?.text.length).toBeGreaterThan(5);
      expect(reask?.choices?.map((x) => x.value)).toEqual(c.choices);
      expect(state).toMatchObject({ status: 'active', stepId: 'q', invalid: 1 });
      expect(state.answers.q).toBeUndefined();
    });
  }

  it('offers the "share my number" button for a phone question', () => {
    const [q] = messages(play(oneQuestion({ type: 'phone' }), []).last).slice(-1);
    expect(q).toMatchObject({ expects: 'phone', requestPhone: true });
  });

  it("uses the step's own re-ask text when it has one, else the flow's texts override", () => {
    const own = play(oneQuestion({ type: 'yes_no' }, { reask: T('Ketik ya atau tidak ya.') }), ['hmm']);
    expect(texts(own.last)).toEqual(['Ketik ya atau tidak ya.']);
    const flow = flowOf({
      texts: { reask_yes_no: T('Jawab ya/tidak saja.') },
      steps: [{ id: 'q', type: 'ask', text: T('Q?'), answer: { type: 'yes_no' } }],
    });
    expect(texts(play(flow, ['hmm']).last)).toEqual(['Jawab ya/tidak saja.']);
  });

  it('saves null for "lewati" on an optional question, and re-asks on a required one', () => {
    expect(play(oneQuestion({ type: 'phone' }, { optional: true }), ['lewati']).state.answers).toEqual({ q: null });
    expect(play(oneQuestion({ type: 'phone' }), ['lewati']).state.invalid).toBe(1);
  });

  it('saves under save_as', () => {
    expect(play(oneQuestion({ type: 'yes_no' }, { save_as: 'consent' }), ['ya']).state.answers).toEqual({ consent: true });
  });

  it('takes "today" from the clock in the flow timezone (Jakarta is already on the 25th at 20:00 UTC on the 24th)', () => {
    const lateUtc = { now: Date.UTC(2026, 10, 24, 20, 0) };
    expect(play(oneQuestion({ type: 'date' }), ['hari ini'], { clock: lateUtc }).state.answers.q).toBe('2026-11-25');
    const otherDay = clockAtLocal('2026-12-01', '09:00', 'Asia/Jakarta');
    expect(play(oneQuestion({ type: 'date' }), ['kemarin'], { clock: otherDay }).state.answers.q).toBe('2026-11-30');
  });

  it('checks date bounds against earlier answers', () => {
    const flow = flowOf({
      steps: [
        { id: 'onset', type: 'ask', text: T('Onset?'), answer: { type: 'date', max: 'today' } },
        { id: 'contact', type: 'ask', text: T('Kontak?'), answer: { type: 'date', min: 'answers.onset - 2d', max: 'today' } },
      ],
    });
    const { state, last } = play(flow, ['20/11', '17/11']);
    expect(ofType(last, 'invalid_answer')).toMatchObject([{ problem: 'date:before_min' }]);
    expect(play(flow, ['20/11', '18/11']).state.answers.contact).toBe('2026-11-18');
    expect(state.stepId).toBe('contact');
  });
});

describe('invalid answers', () => {
  it('after max_invalid invalid answers in a row a tracer takes over', () => {
    const { state, last, all } = play(oneQuestion({ type: 'number' }), ['a', 'b', 'c']);
    expect(ofType(all, 'invalid_answer').map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(ofType(last, 'escalated')).toEqual([{ type: 'escalated', step: 'q', reason: 'invalid_answers', priority: 'normal' }]);
    expect(texts(last)[0]).toMatch(/petugas/i);
    expect(state).toMatchObject({ status: 'handed_off', stepId: 'q' });
  });

  it('a valid answer resets the count, so invalid answers to different questions do not add up', () => {
    const flow = flowOf({
      settings: { max_invalid: 2 },
      steps: [
        { id: 'a', type: 'ask', text: T('A?'), answer: { type: 'number' } },
        { id: 'b', type: 'ask', text: T('B?'), answer: { type: 'number' } },
      ],
    });
    const { state } = play(flow, ['x', '1', 'y']);
    expect(state).toMatchObject({ status: 'active', stepId: 'b', invalid: 1 });
  });
});

describe('branch steps', () => {
  const flow = flowOf({
    steps: [
      { id: 'sym', type: 'ask', text: T('Gejala?'), answer: { type: 'yes_no' } },
      {
        id: 'route',
        type: 'branch',
        cases: [
          { when: { 'answers.sym': true, 'case.age': { $gte: 60 } }, next: 'elderly' },
          { when: { 'answers.sym': true }, next: 'onset' },
        ],
        default: 'test',
      },
      { id: 'elderly', type: 'say', text: T('Lansia'), next: 'onset' },
      { id: 'onset', type: 'ask', text: T('Onset?'), answer: { type: 'date' } },
      { id: 'test', type: 'ask', text: T('Tes?'), answer: { type: 'date' } },
    ],
  });

  it.each([
    { answer: 'ya', age: 70, expected: ['Lansia', 'Onset?'] },
    { answer: 'ya', age: 30, expected: ['Onset?'] },
    { answer: 'tidak', age: 70, expected: ['Tes?'] },
  ])('answer $answer at age $age goes to the first matching case, else the default', ({ answer, age, expected }) => {
    expect(texts(play(flow, [answer], { case: { age } }).last)).toEqual(expected);
  });

  it('never evaluates code: a $where condition is a flow error, not JavaScript', () => {
    const evil = flowOf({
      steps: [
        { id: 'route', type: 'branch', cases: [{ when: { $where: 'globalThis.pwned = true' }, next: 'a' }], default: 'a' },
        { id: 'a', type: 'ask', text: T('A?'), answer: { type: 'text' } },
      ],
    });
    const { state, last } = play(evil, []);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    expect(ofType(last, 'error')).toMatchObject([{ code: 'flow:bad_condition', step: 'route' }]);
    expect(ofType(last, 'escalated')).toMatchObject([{ reason: 'flow_error' }]);
    expect(state.status).toBe('handed_off');
  });

  it('conditions see collected lists', () => {
    const f = flowOf({
      steps: [
        { id: 'c', type: 'collect', questions: [{ id: 'name', text: T('Nama?'), answer: { type: 'text' } }], more: T('Lagi?') },
        { id: 'r', type: 'branch', cases: [{ when: { 'lists.c': { $size: 2 } }, next: 'two' }], default: 'other' },
        { id: 'two', type: 'end', text: T('Dua') },
        { id: 'other', type: 'end', text: T('Lain') },
      ],
    });
    expect(texts(play(f, ['Ani', 'ya', 'Budi', 'tidak']).last)).toEqual(['Dua']);
    expect(texts(play(f, ['Ani', 'tidak']).last)).toEqual(['Lain']);
  });
});

describe('risky answers (escalate_when)', () => {
  const flow = flowOf({
    steps: [
      {
        id: 'symptoms',
        type: 'ask',
        text: T('Gejala?'),
        answer: { type: 'choice', multiple: true, choices: [{ value: 'fever', label: T('Demam') }, { value: 'breathing', label: T('Sesak napas') }] },
        escalate_when: { when: { 'answers.symptoms': { $in: ['breathing'] } }, reason: 'breathing', priority: 'urgent', text: T('Segera hubungi 119.') },
      },
      { id: 'after', type: 'ask', text: T('Isolasi di mana?'), answer: { type: 'text' } },
    ],
  });

  it('saves the answer, tells the patient what to do and hands over with the priority, to resume at the next step', () => {
    const { state, last } = play(flow, ['demam, sesak napas']);
    expect(ofType(last, 'answer_saved')).toMatchObject([{ key: 'symptoms', value: ['fever', 'breathing'] }]);
    expect(texts(last)).toEqual(['Segera hubungi 119.']);
    expect(ofType(last, 'escalated')).toEqual([{ type: 'escalated', step: 'symptoms', reason: 'risky_answer', priority: 'urgent', detail: 'breathing' }]);
    expect(state).toMatchObject({ status: 'handed_off', stepId: 'after' });
    const resumed = play(flow, [{ kind: 'resume' }], { state });
    expect(texts(resumed.last)).toEqual(['Isolasi di mana?']);
    expect(resumed.state).toMatchObject({ status: 'active', stepId: 'after' });
  });

  it('carries on when the condition does not hold', () => {
    expect(texts(play(flow, ['demam']).last)).toEqual(['Isolasi di mana?']);
  });
});

describe('handoff and end steps', () => {
  const flow = flowOf({
    steps: [
      { id: 'q', type: 'ask', text: T('Setuju?'), answer: { type: 'yes_no' } },
      { id: 'r', type: 'branch', cases: [{ when: { 'answers.q': false }, next: 'h' }], default: 'done' },
      { id: 'h', type: 'handoff', reason: 'declined', priority: 'high', text: T('Petugas akan menghubungi Anda.'), next: 'done' },
      { id: 'done', type: 'end', text: T('Terima kasih.') },
    ],
  });

  it('a handoff step escalates with its reason and text, and hands back at its next step', () => {
    const { state, last } = play(flow, ['tidak']);
    expect(texts(last)).toEqual(['Petugas akan menghubungi Anda.']);
    expect(ofType(last, 'escalated')).toEqual([{ type: 'escalated', step: 'h', reason: 'flow_handoff', priority: 'high', detail: 'declined' }]);
    expect(state).toMatchObject({ status: 'handed_off', stepId: 'done' });
    const back = play(flow, [{ kind: 'resume' }], { state });
    expect(texts(back.last)).toEqual(['Terima kasih.']);
    expect(ofType(back.last, 'completed')).toEqual([{ type: 'completed', step: 'done' }]);
  });

  it('an end step completes; later messages get a polite note', () => {
    const { state, last } = play(flow, ['ya']);
    expect(texts(last)).toEqual(['Terima kasih.']);
    expect(state).toMatchObject({ status: 'completed', stepId: null });
    const after = play(flow, ['halo lagi'], { state });
    expect(texts(after.last)).toEqual([expect.stringMatching(/sudah selesai.*petugas/i)]);
    expect(after.state.status).toBe('completed');
    expect(texts(play(flow, [{ kind: 'media', media: 'sticker' }], { state }).last)).toHaveLength(1);
    expect(play(flow, [{ kind: 'reminder' }], { state }).last).toEqual([]);
  });

  it('falling off the end of the steps completes the conversation', () => {
    const f = flowOf({ steps: [{ id: 'q', type: 'ask', text: T('Q?'), answer: { type: 'text' } }, { id: 's', type: 'say', text: T('Dah.') }] });
    const { state, last } = play(f, ['ok']);
    expect(texts(last)).toEqual(['Dah.']);
    expect(ofType(last, 'completed')).toEqual([{ type: 'completed', step: 's' }]);
    expect(state.status).toBe('completed');
  });
});

describe('collect steps', () => {
  const contacts = (min = 0, max = 50) =>
    flowOf({
      steps: [
        {
          id: 'contacts',
          type: 'collect',
          kind: 'contact',
          min,
          max,
          intro: T('Sebutkan kontak erat.'),
          questions: [
            { id: 'name', text: T('Nama ke-{{count}}?'), answer: { type: 'text' } },
            { id: 'phone', text: T('Nomor HP {{item.name}}?'), answer: { type: 'phone' }, optional: true },
            { id: 'setting', text: T('Di mana?'), answer: { type: 'choice', choices: [{ value: 'household', label: T('Serumah') }, { value: 'workplace', label: T('Kantor') }] } },
          ],
          item_done: T('{{item.name}} dicatat ({{count}}).'),
          more: T('Ada lagi?'),
        },
        { id: 'summary', type: 'end', text: T('Daftar:\n{{lists.contacts}}') },
      ],
    });

  it('asks each question of an item, reports the item, then asks for more until "no"', () => {
    const flow = contacts();
    const start = play(flow, []);
    expect(texts(start.last)).toEqual(['Sebutkan kontak erat.', 'Nama ke-0?']);
    const { state, all, last } = play(flow, ['Siti', '0812 3456 7890', 'serumah', 'ya', 'Budi', 'tidak tahu', 'kantor', 'tidak']);
    expect(ofType(all, 'item_collected')).toEqual([
      { type: 'item_collected', step: 'contacts', key: 'contacts', kind: 'contact', index: 0, item: { name: 'Siti', phone: '+6281234567890', setting: 'household' } },
      { type: 'item_collected', step: 'contacts', key: 'contacts', kind: 'contact', index: 1, item: { name: 'Budi', phone: null, setting: 'workplace' } },
    ]);
    expect(texts(all)).toContain('Nomor HP Siti?');
    expect(texts(all)).toContain('Budi dicatat (2).');
    expect(texts(last)).toEqual(['Daftar:\n1. Siti, +6281234567890, Serumah\n2. Budi, Kantor']);
    expect(state.lists.contacts).toHaveLength(2);
    expect(ofType(all, 'answer_saved')).toEqual([]);
  });

  it('"tidak ada" at the first question ends an empty list when min is 0', () => {
    const { state, last } = play(contacts(), ['tidak ada']);
    expect(texts(last)).toEqual(['Daftar:\n(belum ada)']);
    expect(state.status).toBe('completed');
  });

  it('enforces min: "none" is not accepted before min items, and "any other?" is not asked', () => {
    const flow = contacts(2);
    const none = play(flow, ['tidak ada']);
    expect(ofType(none.last, 'invalid_answer')).toMatchObject([{ problem: 'collect:min_items' }]);
    expect(texts(none.last)[0]).toMatch(/setidaknya satu/);
    const { all } = play(flow, ['Siti', '-', 'serumah', 'Budi', 'lewati', 'kantor']);
    // Only after the second (the min-th) item is "any other?" asked.
    expect(texts(all).filter((t) => t === 'Ada lagi?')).toHaveLength(1);
    expect(texts(all).at(-1)).toBe('Ada lagi?');
  });

  it('stops at max without asking for more', () => {
    const { state, last } = play(contacts(0, 1), ['Siti', 'lewati', 'serumah']);
    expect(texts(last)).toEqual(['Siti dicatat (1).', 'Daftar:\n1. Siti, Serumah']);
    expect(state.status).toBe('completed');
  });

  it('turns shared contact cards into items, asking only what the cards do not tell', () => {
    const flow = contacts();
    const cards: EngineInput = {
      kind: 'contacts',
      contacts: [
        { name: 'Agus', phone: '+62 813-1111-2222' },
        { name: 'Dewi', phone: 'bukan nomor' },
      ],
    };
    const r1 = play(flow, [cards]);
    expect(texts(r1.last)).toEqual(['Di mana?']);
    const r2 = play(flow, [cards, 'serumah']);
    expect(ofType(r2.last, 'item_collected')).toMatchObject([{ item: { name: 'Agus', phone: '+6281311112222', setting: 'household' } }]);
    // Dewi's number could not be read, so it is asked.
    expect(texts(r2.last)).toEqual(['Agus dicatat (1).', 'Nomor HP Dewi?']);
    const r3 = play(flow, [cards, 'serumah', '0814 5555 6666', 'kantor']);
    expect(r3.state.lists.contacts).toEqual([
      { name: 'Agus', phone: '+6281311112222', setting: 'household' },
      { name: 'Dewi', phone: '+6281455556666', setting: 'workplace' },
    ]);
    expect(texts(r3.last).at(-1)).toBe('Ada lagi?');
  });

  it('a card sent at "any other?" starts the next item; a card while answering later questions waits its turn', () => {
    const flow = contacts();
    const card = (name: string, phone: string): EngineInput => ({ kind: 'contacts', contacts: [{ name, phone }] });
    const atMore = play(flow, ['Siti', 'lewati', 'serumah', card('Agus', '081311112222')]);
    expect(texts(atMore.last)).toEqual(['Di mana?']);
    const queued = play(flow, ['Siti', '0812 3456 7890', card('Agus', '081311112222'), 'serumah']);
    expect(texts(queued.all)).toContain('Di mana?');
    expect(queued.state.lists.contacts).toEqual([{ name: 'Siti', phone: '+6281234567890', setting: 'household' }]);
    expect(queued.state.collect?.item).toEqual({ name: 'Agus', phone: '+6281311112222' });
  });
});

describe('other kinds of input', () => {
  it('a sticker is asked to be typed, then the question again, and counts as an invalid answer', () => {
    const { state, last } = play(oneQuestion({ type: 'yes_no' }), [{ kind: 'media', media: 'sticker' }]);
    expect(texts(last)).toEqual(['Maaf, saya hanya bisa membaca pesan teks. Mohon ketik jawaban Anda.', 'Pertanyaan?']);
    expect(ofType(last, 'invalid_answer')).toMatchObject([{ problem: 'input:media', attempt: 1 }]);
    expect(state.invalid).toBe(1);
    const voice: EngineInput = { kind: 'media', media: 'voice' };
    expect(play(oneQuestion({ type: 'yes_no' }), [voice, voice, voice]).state.status).toBe('handed_off');
  });

  it('a location answers a text question as "lat,lon"; elsewhere it is asked to be typed', () => {
    const loc: EngineInput = { kind: 'location', latitude: -6.2, longitude: 106.8 };
    expect(play(oneQuestion({ type: 'text' }), [loc]).state.answers.q).toBe('-6.2,106.8');
    expect(texts(play(oneQuestion({ type: 'number' }), [loc]).last)[0]).toMatch(/ketik/);
  });

  it('a button press is the choice value', () => {
    const spec: AnswerSpec = { type: 'choice', choices: [{ value: 'home', label: T('Rumah') }, { value: 'other', label: T('Lainnya') }] };
    expect(play(oneQuestion(spec), [{ kind: 'choice', value: 'other' }]).state.answers.q).toBe('other');
  });

  it('a contact card answers a phone question; for any other question it is invalid', () => {
    const card: EngineInput = { kind: 'contacts', contacts: [{ name: 'Saya', phone: '0812-3456-7890' }] };
    expect(play(oneQuestion({ type: 'phone' }), [card]).state.answers.q).toBe('+6281234567890');
    expect(ofType(play(oneQuestion({ type: 'text' }), [card]).last, 'invalid_answer')).toMatchObject([{ problem: 'input:contact' }]);
  });
});

describe('reminders', () => {
  const flow = oneQuestion({ type: 'text' });

  it('reminds up to max_reminders times, then hands over as unresponsive without messaging', () => {
    const r1 = play(flow, [{ kind: 'reminder' }]);
    expect(ofType(r1.last, 'reminder_due')).toEqual([{ type: 'reminder_due', step: 'q', count: 1 }]);
    expect(texts(r1.last)).toEqual([expect.stringMatching(/menunggu jawaban/), 'Pertanyaan?']);
    const r3 = play(flow, [{ kind: 'reminder' }, { kind: 'reminder' }, { kind: 'reminder' }]);
    expect(messages(r3.last)).toEqual([]);
    expect(ofType(r3.last, 'escalated')).toEqual([{ type: 'escalated', step: 'q', reason: 'unresponsive', priority: 'normal' }]);
    expect(r3.state.status).toBe('handed_off');
  });

  it("uses the flow's reminder text, and a real answer resets the count", () => {
    const own = flowOf({
      settings: { reminder: T('Halo {{case.name}}, masih di sana?') },
      steps: [
        { id: 'a', type: 'ask', text: T('A?'), answer: { type: 'text' } },
        { id: 'b', type: 'ask', text: T('B?'), answer: { type: 'text' } },
      ],
    });
    const r = play(own, [{ kind: 'reminder' }, { kind: 'reminder' }, 'jawab', { kind: 'reminder' }], { case: { name: 'Ani' } });
    expect(texts(r.last)).toEqual(['Halo Ani, masih di sana?', 'B?']);
    expect(r.state.reminders).toBe(1);
  });

  it('does nothing for a conversation that is not waiting', () => {
    const flow2 = oneQuestion({ type: 'text' });
    expect(step(flow2, initialState(flow2), { kind: 'reminder' }, CLOCK).events).toEqual([]);
  });
});

describe('handed off, stopped and resumed conversations', () => {
  const flow = oneQuestion({ type: 'text' });
  const handedOff = (): ConversationState => play(flow, ['petugas']).state;

  it('says nothing while a tracer has the chat', () => {
    const state = handedOff();
    for (const input of [{ kind: 'text', text: 'halo' }, { kind: 'start' }, { kind: 'reminder' }, { kind: 'media', media: 'sticker' }] as EngineInput[]) {
      expect(step(flow, state, input, CLOCK)).toEqual({ state, events: [] });
    }
  });

  it('says nothing at all, ever, once stopped', () => {
    const { state } = play(flow, ['berhenti', 'ya']);
    expect(state.status).toBe('stopped');
    for (const input of [{ kind: 'text', text: 'petugas' }, { kind: 'start' }, { kind: 'resume' }, { kind: 'reminder' }] as EngineInput[]) {
      expect(step(flow, state, input, CLOCK).events).toEqual([]);
    }
  });

  it('resumes at a named step, or reports an unknown one and stays with the tracer', () => {
    const state = handedOff();
    const bad = step(flow, state, { kind: 'resume', stepId: 'nope' }, CLOCK);
    expect(bad.events).toEqual([expect.objectContaining({ type: 'error', code: 'flow:unknown_step' })]);
    expect(bad.state.status).toBe('handed_off');
    const good = step(flow, state, { kind: 'resume', stepId: 'bye' }, CLOCK);
    expect(texts(good.events)).toEqual(['Selesai']);
    expect(good.state.status).toBe('completed');
    const here = step(flow, state, { kind: 'resume' }, CLOCK);
    expect(texts(here.events)).toEqual(['Pertanyaan?']);
    expect(here.state).toMatchObject({ status: 'active', invalid: 0, reminders: 0 });
  });

  it('a resumed collect keeps the items and the half-answered item', () => {
    const f = flowOf({
      steps: [
        {
          id: 'c',
          type: 'collect',
          questions: [
            { id: 'name', text: T('Nama?'), answer: { type: 'text' } },
            { id: 'age', text: T('Umur {{item.name}}?'), answer: { type: 'number' } },
          ],
          more: T('Lagi?'),
        },
      ],
    });
    const { state } = play(f, ['Ani', '30', 'ya', 'Budi', 'petugas']);
    const back = step(f, state, { kind: 'resume' }, CLOCK);
    expect(texts(back.events)).toEqual(['Umur Budi?']);
    expect(back.state.collect).toMatchObject({ item: { name: 'Budi' }, items: [{ name: 'Ani', age: 30 }] });
  });
});

describe('broken flows never crash the engine', () => {
  it('a loop hits the step cap: error flow:step_cap and a tracer takes over', () => {
    const loop = flowOf({
      settings: { max_steps_per_turn: 20 },
      steps: [
        { id: 'a', type: 'say', text: T('A'), next: 'b' },
        { id: 'b', type: 'branch', cases: [{ when: { lang: 'id' }, next: 'a' }], default: 'a' },
      ],
    });
    const { state, last } = play(loop, []);
    expect(ofType(last, 'error')).toMatchObject([{ code: 'flow:step_cap' }]);
    expect(ofType(last, 'escalated')).toMatchObject([{ reason: 'flow_error', priority: 'high' }]);
    expect(texts(last).filter((t) => t === 'A').length).toBe(10);
    expect(state.status).toBe('handed_off');
  });

  it('an unknown next step is error flow:unknown_step and a handoff', () => {
    const broken = flowOf({ steps: [{ id: 'a', type: 'ask', text: T('A?'), answer: { type: 'text' }, next: 'nowhere' }] });
    const { state, last } = play(broken, ['x']);
    expect(ofType(last, 'answer_saved')).toHaveLength(1);
    expect(ofType(last, 'error')).toMatchObject([{ code: 'flow:unknown_step', message: expect.stringContaining('nowhere') }]);
    expect(ofType(last, 'escalated')).toMatchObject([{ reason: 'flow_error' }]);
    expect(state.status).toBe('handed_off');
  });

  it('a state that names a step the flow does not have escalates instead of throwing', () => {
    const flow = oneQuestion({ type: 'text' });
    const state: ConversationState = { ...initialState(flow), status: 'active', stepId: 'gone' };
    const r = step(flow, state, { kind: 'text', text: 'halo' }, CLOCK);
    expect(ofType(r.events, 'error')).toMatchObject([{ code: 'flow:unknown_step' }]);
    expect(r.state.status).toBe('handed_off');
  });

  it('a bug (here: a state whose answers throw when read) becomes engine:exception and an escalation, not a throw', () => {
    const flow = oneQuestion({ type: 'text' });
    const exploding = new Proxy({}, { ownKeys: () => { throw new Error('boom'); } });
    const broken = { ...initialState(flow), status: 'active', stepId: 'q', answers: exploding } as unknown as ConversationState;
    const r = step(flow, broken, { kind: 'text', text: 'x' }, CLOCK);
    expect(ofType(r.events, 'error')).toMatchObject([{ code: 'engine:exception' }]);
    expect(ofType(r.events, 'escalated')).toMatchObject([{ reason: 'flow_error' }]);
  });
});

describe('templates', () => {
  it('fills answers, case fields, dates, choice labels and lists; unknown names become empty', () => {
    const flow = flowOf({
      steps: [
        { id: 'onset', type: 'ask', text: T('Onset?'), answer: { type: 'date' } },
        { id: 'iso', type: 'ask', text: T('Isolasi?'), answer: { type: 'choice', choices: [{ value: 'home', label: T('Di rumah', 'At home') }] } },
        { id: 'sym', type: 'ask', text: T('Gejala?'), answer: { type: 'yes_no' } },
        {
          id: 'done',
          type: 'end',
          text: T('{{case.name}} lahir {{case.dob}}: {{answers.onset}}, {{answers.iso}}, {{answers.sym}}, [{{answers.nothing}}{{foo.bar}}{{case}}]'),
        },
      ],
    });
    const { last } = play(flow, ['kemarin', '1', 'ya'], { case: { name: 'Ani', dob: '1990-03-14' } });
    expect(texts(last)).toEqual(['Ani lahir 14 Mar 1990: 24 Nov 2026, Di rumah, ya, []']);
  });

  it('never evaluates a template: code-looking placeholders stay inert', () => {
    const flow = flowOf({ steps: [{ id: 'x', type: 'end', text: T('{{constructor.constructor}}{{ answers.__proto__ }}ok') }] });
    expect(texts(play(flow, []).last)).toEqual(['ok']);
  });
});

describe('purity', () => {
  it('does not change the state it is given and gives the same result for the same input', () => {
    const flow = oneQuestion({ type: 'text' });
    const { state } = play(flow, []);
    const frozen = structuredClone(state);
    deepFreeze(state);
    const a = step(flow, state, { kind: 'text', text: 'Siti' }, CLOCK);
    const b = step(flow, state, { kind: 'text', text: 'Siti' }, CLOCK);
    expect(state).toEqual(frozen);
    expect(a).toEqual(b);
    expect(ofType(a.events, 'error')).toEqual([]);
  });

  it('is fast enough to run for every message: 10,000 turns take seconds at most, even under the test runner', () => {
    const flow = oneQuestion({ type: 'yes_no' });
    const { state } = play(flow, []);
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) step(flow, state, { kind: 'text', text: i % 2 ? 'ya' : 'hmm' }, CLOCK);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
