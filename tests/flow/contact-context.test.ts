import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { answerMatches, sameName } from '../../src/flow/answers/index.js';
import { checkFlow, type FlowPath } from '../../src/flow/check.js';
import { CONTEXT_KEYS, sampleContext } from '../../src/flow/context-vars.js';
import { FlowDefinition, type FlowInput } from '../../src/flow/definition.js';
import { initialState, step } from '../../src/flow/engine.js';
import { CLOCK, flowOf, messages } from './engine-support.js';

// What the contact flows of issue 16 need from the engine: contact.* and monitoring.* context, identity by typing
// (`verify`), and a check-in that does not escalate an unanswered morning by itself.

const t = (text: string) => ({ id: `${text} (id)`, en: text });

describe('sameName: a typed name against the name a case gave', () => {
  it.each([
    ['Siti Aminah', 'Siti Aminah', undefined, true],
    ['siti aminah', 'Siti Aminah', 'Siti', true],
    ['Nama saya Bu Siti Aminha', 'Siti Aminah', 'Siti', true], // a title, "my name is" and one typo in a long word
    ['Aminah', 'Siti Aminah', 'Siti', true],
    ['Siti', 'Siti Aminah', 'Siti', false], // only what the first message showed proves nothing
    ['Siti Rahayu', 'Siti Aminah', 'Siti', false],
    ['Muhamad Rizky', 'Muhammad Rizki', 'Muhammad', true], // doubled letters and one typo
    ['Budi', 'Budi', 'Budi', true], // all we know is the word shown: the flow does not show it (see the greeting branch)
    ['Bud', 'Budi', undefined, false], // a short word must match exactly: "bud" is not "budi"
    ['Santosa', 'Budi Santoso', undefined, true], // one typo in a long word is forgiven
    ['Joko', 'Budi Santoso', undefined, false],
    ['Pak', 'Pak Budi', undefined, false], // titles are no part of a name
    ['', 'Budi', undefined, false],
    ['Budi', '', undefined, false],
  ])('%j against %j (shown %j) -> %s', (typed, known, shown, expected) => {
    expect(sameName(typed, known, shown)).toBe(expected);
  });

  it('reads at most a dozen typed words, so a pasted essay cannot be a match by luck', () => {
    const essay = `${'lorem '.repeat(20)}aminah`;
    expect(sameName(essay, 'Siti Aminah', 'Siti')).toBe(false);
  });
});

describe('answerMatches: other answer types compare exactly', () => {
  it.each([
    [{ type: 'date' as const }, '1985-08-17', '1985-08-17', true],
    [{ type: 'date' as const }, '1985-08-17', '1985-08-18', false],
    [{ type: 'number' as const }, 3, '3', true],
    [{ type: 'phone' as const }, '+6281234567890', '+6281234567890', true],
    [{ type: 'date' as const }, '1985-08-17', null, false],
    [{ type: 'text' as const }, null, 'Budi', false],
  ])('%j: %j vs %j -> %s', (spec, value, known, expected) => {
    expect(answerMatches(spec, value, known)).toBe(expected);
  });
});

describe('contact.* and monitoring.* in the engine', () => {
  const flow = flowOf({
    steps: [
      {
        id: 'route',
        type: 'branch',
        cases: [{ when: { 'monitoring.is_test_day': true, 'contact.first_name': { $exists: true } }, next: 'test_day' }],
        default: 'plain',
      },
      { id: 'test_day', type: 'say', text: t('Test today, {{contact.first_name}}: {{monitoring.test_dates}} until {{monitoring.quarantine_end}}, day {{monitoring.day}}') },
      { id: 'plain', type: 'end', text: t('No test') },
    ],
  });

  it('renders dates as local dates in the chat language, lists of dates as a list, and branches on the values', () => {
    const state = initialState(flow, {
      lang: 'en',
      contact: { first_name: 'Siti' },
      monitoring: { is_test_day: true, test_dates: ['2026-11-24', '2026-11-28'], quarantine_end: '2026-11-28', day: 1 },
    });
    const said = messages(step(flow, state, { kind: 'start' }, CLOCK).events).map((m) => m.text);
    expect(said).toEqual(['Test today, Siti: 24 Nov 2026, 28 Nov 2026 until 28 Nov 2026, day 1', 'No test']);
  });

  it('a state stored before these roots existed (no contact, no monitoring) takes the default branch', () => {
    const state = initialState(flow, { lang: 'en' });
    expect(state).not.toHaveProperty('contact');
    const said = messages(step(flow, state, { kind: 'start' }, CLOCK).events).map((m) => m.text);
    expect(said).toEqual(['No test']);
  });
});

describe('verify: identity by typing what we know', () => {
  const flow = flowOf({
    steps: [
      {
        id: 'name',
        type: 'ask',
        save_as: 'typed_name',
        text: t('Please type your full name'),
        answer: { type: 'text', min_length: 2 },
        verify: { against: 'contact.name', except: 'contact.first_name', save_as: 'identity_confirmed' },
      },
      { id: 'done', type: 'end', text: t('ok') },
    ],
  });
  const start = (contact: Record<string, string>) => step(flow, initialState(flow, { lang: 'en', contact }), { kind: 'start' }, CLOCK).state;

  it.each([
    ['Siti Aminah', true],
    ['Siti', false],
  ])('typing %j saves the answer and identity_confirmed = %s, and never says the known name', (typed, ok) => {
    const r = step(flow, start({ name: 'Siti Aminah', first_name: 'Siti' }), { kind: 'text', text: typed }, CLOCK);
    expect(r.state.answers).toEqual({ typed_name: typed, identity_confirmed: ok });
    expect(r.events.filter((e) => e.type === 'answer_saved').map((e) => e.type === 'answer_saved' && e.key)).toEqual(['typed_name', 'identity_confirmed']);
    expect(messages(r.events).map((m) => m.text).join(' ')).not.toContain('Aminah');
  });

  it('with nothing known the answer never matches', () => {
    const r = step(flow, start({}), { kind: 'text', text: 'Siti Aminah' }, CLOCK);
    expect(r.state.answers.identity_confirmed).toBe(false);
  });
});

describe('escalate_unresponsive', () => {
  const steps: FlowInput['steps'] = [{ id: 'q', type: 'ask', text: t('Symptoms?'), answer: { type: 'yes_no' } }];
  it.each([
    [true, ['reminder_due', 'message', 'message', 'escalated']],
    [false, ['reminder_due', 'message', 'message']],
  ])('escalate_unresponsive %s: events of two reminders with max_reminders 1 are %j', (escalate, types) => {
    const flow = flowOf({ settings: { max_reminders: 1, escalate_unresponsive: escalate }, steps });
    let state = step(flow, initialState(flow, { lang: 'en' }), { kind: 'start' }, CLOCK).state;
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = step(flow, state, { kind: 'reminder' }, CLOCK);
      state = r.state;
      seen.push(...r.events.map((e) => e.type));
    }
    expect(seen).toEqual(types);
    expect(state.status).toBe(escalate ? 'handed_off' : 'active');
  });
});

describe('the checker and the context catalogue', () => {
  function check(steps: FlowInput['steps']) {
    const flow = FlowDefinition.parse({ spec: 1, id: 'test', name: t('Test'), steps });
    const paths: string[] = [];
    const locate = (path: FlowPath) => ({ line: paths.push(path.join('.')), col: 1 });
    return checkFlow(flow, locate, 'test.yaml').map((p) => ({ at: paths[p.line - 1], severity: p.severity, message: p.message }));
  }

  it('warns about a monitoring key no service sets, in a text and in a condition, with a suggestion', () => {
    const problems = check([
      { id: 'route', type: 'branch', cases: [{ when: { 'monitoring.is_testday': true }, next: 'bye' }], default: 'bye' },
      { id: 'bye', type: 'end', text: t('Until {{monitoring.quarantine_ends}}') },
    ]);
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ at: 'steps.0.cases.0.when.monitoring.is_testday', severity: 'warning', message: expect.stringContaining("did you mean 'is_test_day'") }),
        expect.objectContaining({ at: 'steps.1.text.en', severity: 'warning', message: expect.stringContaining("did you mean 'quarantine_end'") }),
        expect.objectContaining({ at: 'steps.1.text.id', severity: 'warning' }),
      ]),
    );
  });

  it('accepts every catalogued key and a verify result used in a branch', () => {
    const problems = check([
      {
        id: 'name',
        type: 'ask',
        text: t('Name {{contact.first_name}} {{monitoring.exposure_date}}'),
        answer: { type: 'text' },
        verify: { against: 'contact.name', save_as: 'identity_confirmed' },
      },
      { id: 'route', type: 'branch', cases: [{ when: { 'answers.identity_confirmed': true, 'monitoring.ask_result': true }, next: 'bye' }], default: 'bye' },
      { id: 'bye', type: 'end', text: t('bye') },
    ]);
    expect(problems).toEqual([]);
  });

  it('refuses a verify that would save over the answer it checks, and warns about an unknown context key', () => {
    const problems = check([
      { id: 'name', type: 'ask', text: t('Name?'), answer: { type: 'text' }, verify: { against: 'contact.full_name', save_as: 'name' } },
      { id: 'bye', type: 'end', text: t('bye') },
    ]);
    expect(problems).toEqual([
      expect.objectContaining({ at: 'steps.0.verify.against', severity: 'warning', message: expect.stringContaining("no 'contact.full_name'") }),
      expect.objectContaining({ at: 'steps.0.verify.save_as', severity: 'error' }),
    ]);
  });
});

describe('the contact flows ask about the same symptoms as the case interview', () => {
  const symptomChoices = (file: string): unknown => {
    const flow = FlowDefinition.parse(parse(readFileSync(fileURLToPath(new URL(`../../flows/${file}`, import.meta.url)), 'utf8')));
    const s = flow.steps.find((x) => x.id === 'symptoms');
    return s?.type === 'ask' && s.answer.type === 'choice' ? s.answer.choices : undefined;
  };
  it.each(['contact-notification.yaml', 'daily-checkin.yaml'])('%s', (file) => {
    const interview = symptomChoices('case-interview.yaml');
    expect(interview).toBeDefined();
    expect(symptomChoices(file)).toEqual(interview);
  });
});

describe('sampleContext (what the coordinators\' simulator shows)', () => {
  it('gives a value for every catalogued key but the invite ones, and the contact flows render with no empty placeholder', () => {
    const sample = sampleContext('2026-11-25');
    expect(Object.keys(sample.contact).sort()).toEqual(Object.keys(CONTEXT_KEYS.contact).filter((k) => !k.startsWith('invite_')).sort());
    expect(Object.keys(sample.monitoring).sort()).toEqual(Object.keys(CONTEXT_KEYS.monitoring).sort());
    const load = (file: string) => FlowDefinition.parse(parse(readFileSync(fileURLToPath(new URL(`../../flows/${file}`, import.meta.url)), 'utf8')));
    for (const [file, inputs] of [
      ['daily-checkin.yaml', ['no']],
      ['contact-notification.yaml', ['hi', 'Siti Aminah', 'no', 'yes', 'no']],
    ] as const) {
      const flow = load(file);
      let state = initialState(flow, { lang: 'en', ...sample });
      const said: string[] = [];
      for (const input of [{ kind: 'start' as const }, ...inputs.map((text) => ({ kind: 'text' as const, text }))]) {
        const r = step(flow, state, input, CLOCK);
        state = r.state;
        said.push(...messages(r.events).map((m) => m.text));
      }
      expect(state.status, file).toBe('completed');
      // An empty value would leave "until ." or a double space behind; a template that did not render, "{{".
      expect(said.join('\n'), file).not.toMatch(/ [.,:]| {2}|\{\{/);
    }
  });
});

describe('the contact notification discloses nothing before the person typed their name (issue 17)', () => {
  const FORBIDDEN = /covid|positi|negati|karantina|quarantin|terpapar|expos|isolasi|isolat|\btes\b|\btest|kontak erat|close contact|tracer|sembuh|get well|gejala|symptom|Aminah/i;
  const flow = FlowDefinition.parse(parse(readFileSync(fileURLToPath(new URL('../../flows/contact-notification.yaml', import.meta.url)), 'utf8')));
  const sample = sampleContext('2026-11-25');
  type In = Parameters<typeof step>[2];
  const paths: [string, In[]][] = [
    ['a reply, then a wrong name twice', [{ kind: 'text', text: 'halo' }, { kind: 'text', text: 'Siti' }, { kind: 'text', text: 'Siti Rahayu' }]],
    ['wrong number at once', [{ kind: 'text', text: 'salah sambung' }]],
    ['a sticker, then reminders', [{ kind: 'media', media: 'sticker' }, { kind: 'reminder' }, { kind: 'reminder' }, { kind: 'reminder' }]],
    ['stop, confirmed', [{ kind: 'text', text: 'berhenti' }, { kind: 'text', text: 'ya' }]],
    ['a person, at once', [{ kind: 'text', text: 'help' }]],
    ['nonsense three times at the name', [{ kind: 'text', text: 'ok' }, { kind: 'text', text: 'x' }, { kind: 'text', text: 'y' }, { kind: 'text', text: 'z' }]],
  ];
  it.each(paths.flatMap(([name, inputs]) => (['id', 'en'] as const).map((lang) => [name, lang, inputs] as const)))('%s (%s)', (_name, lang, inputs) => {
    let state = initialState(flow, { lang, ...sample });
    const said: string[] = [];
    for (const input of [{ kind: 'start' } as In, ...inputs]) {
      const r = step(flow, state, input, CLOCK);
      state = r.state;
      said.push(...messages(r.events).map((m) => m.text));
    }
    expect(state.answers.identity_confirmed).not.toBe(true);
    expect(said.length).toBeGreaterThan(0);
    for (const text of said) expect(text).not.toMatch(FORBIDDEN);
  });
});

describe('the wrong-number words of the contact notification', () => {
  const flow = FlowDefinition.parse(parse(readFileSync(fileURLToPath(new URL('../../flows/contact-notification.yaml', import.meta.url)), 'utf8')));
  const sample = sampleContext('2026-11-25');
  const detailAfter = (reply: string) => {
    const started = step(flow, initialState(flow, { lang: 'id', ...sample }), { kind: 'start' }, CLOCK).state;
    const r = step(flow, started, { kind: 'text', text: reply }, CLOCK);
    const e = r.events.find((x) => x.type === 'escalated');
    return e?.type === 'escalated' ? e.detail : undefined;
  };
  it.each(['bukan saya', 'Maaf, salah sambung', 'nomor salah', 'Salah orang pak', 'wrong number', 'Sorry, not me', 'saya bukan orangnya'])('%j is a wrong number', (reply) => {
    expect(detailAfter(reply)).toBe('wrong_number');
  });
  it.each(['halo', 'ya, ada apa?', 'siapa ini?', 'Bukan main, ada apa?'])('%j is a reply that goes on to the name question', (reply) => {
    expect(detailAfter(reply)).toBeUndefined();
  });
});
