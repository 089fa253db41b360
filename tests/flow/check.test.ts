import { describe, expect, it } from 'vitest';
import { checkFlow, type FlowPath } from '../../src/flow/check.js';
import { FlowDefinition, type FlowInput } from '../../src/flow/definition.js';

type StepInput = FlowInput['steps'][number];

const t = (text: string) => ({ id: `${text} (id)`, en: text });
const say = (id: string, extra: Partial<StepInput> = {}): StepInput => ({ id, type: 'say', text: t(id), ...extra }) as StepInput;
const ask = (id: string, extra: Record<string, unknown> = {}): StepInput =>
  ({ id, type: 'ask', text: t(id), answer: { type: 'yes_no' }, ...extra }) as StepInput;
const end = (id = 'done'): StepInput => ({ id, type: 'end', text: t('bye') });

/**
 * Runs checkFlow with a locate that hands out one line per lookup, so each problem's line tells which YAML path it
 * was reported at (and problems come back in the order they were found, not in file order).
 */
function check(input: Partial<FlowInput> & { steps: StepInput[] }) {
  const flow = FlowDefinition.parse({ spec: 1, id: 'test', name: t('Test'), ...input });
  const paths: string[] = [];
  const locate = (path: FlowPath) => ({ line: paths.push(path.join('.')), col: 1 });
  return checkFlow(flow, locate, 'test.yaml').map((p) => ({
    at: paths[p.line - 1],
    step: p.stepId,
    severity: p.severity,
    message: p.message,
  }));
}

describe('flow graph', () => {
  it('a branch that loops back to an earlier question is fine while some path reaches the end', () => {
    const problems = check({
      steps: [
        ask('ready'),
        { id: 'route', type: 'branch', cases: [{ when: { 'answers.ready': false }, next: 'ready' }], default: 'done' },
        end(),
      ],
    });
    expect(problems).toEqual([]);
  });

  it('a collect step repeats internally and is not a loop', () => {
    const problems = check({
      steps: [
        {
          id: 'contacts',
          type: 'collect',
          questions: [{ id: 'name', text: t('Name?'), answer: { type: 'text' } }],
          more: t('Anyone else? ({{count}})'),
          item_done: t('Saved {{item.name}}'),
        },
        end(),
      ],
    });
    expect(problems).toEqual([]);
  });

  it('a handoff is a way out of a loop, and the bot continues after it in file order', () => {
    const problems = check({
      steps: [
        ask('ok'),
        { id: 'route', type: 'branch', cases: [{ when: { 'answers.ok': true }, next: 'ok' }], default: 'tracer' },
        { id: 'tracer', type: 'handoff', reason: 'needs a person' },
        end(),
      ],
    });
    expect(problems).toEqual([]);
  });

  it('a loop with no exit names the steps in it, and only once', () => {
    const problems = check({
      steps: [
        say('intro'),
        ask('again', { next: 'route' }),
        { id: 'route', type: 'branch', cases: [{ when: { 'answers.again': true }, next: 'again' }], default: 'again' },
        end(),
      ],
    });
    expect(problems).toEqual([
      { at: 'steps.3.id', step: 'done', severity: 'error', message: "step 'done' can never be reached: no step leads to it from the start" },
      {
        at: 'steps.1.id',
        step: 'again',
        severity: 'error',
        message: "steps again → route → again loop forever: none of them leads to an 'end' or 'handoff' step",
      },
    ]);
  });

  it('a step that jumps to itself is a loop', () => {
    const problems = check({ steps: [say('stuck', { next: 'stuck' }), end()] });
    expect(problems.map((p) => p.message)).toContain("steps stuck → stuck loop forever: none of them leads to an 'end' or 'handoff' step");
  });

  it('a duplicate step id is reported once, on the second step', () => {
    const problems = check({ steps: [say('hello'), say('hello'), end()] });
    expect(problems).toEqual([
      {
        at: 'steps.1.id',
        step: 'hello',
        severity: 'error',
        message: "step id 'hello' is used twice (step 1 in the list has it too); step ids must be unique",
      },
    ]);
  });

  it('duplicate question ids inside a collect step are an error', () => {
    const problems = check({
      steps: [
        {
          id: 'contacts',
          type: 'collect',
          questions: [
            { id: 'name', text: t('Name?'), answer: { type: 'text' } },
            { id: 'name', text: t('Phone?'), answer: { type: 'phone' } },
          ],
          more: t('More?'),
        },
        end(),
      ],
    });
    expect(problems).toEqual([
      { at: 'steps.0.questions.1.id', step: 'contacts', severity: 'error', message: "question id 'name' is used twice in this collect step" },
    ]);
  });

  it('the last step without next falls off the end of the file', () => {
    const problems = check({ steps: [say('hello', { next: 'done' }), end(), say('afterwards')] });
    expect(problems).toContainEqual({
      at: 'steps.2.id',
      step: 'afterwards',
      severity: 'error',
      message: "the last step has no 'next', so the conversation would stop without finishing; add 'next: <step id>' or an 'end' step after it",
    });
  });

  it('a flow whose every path ends in a handoff has no reachable end', () => {
    const problems = check({ steps: [say('hello'), { id: 'tracer', type: 'handoff', reason: 'always' }] });
    expect(problems).toEqual([
      {
        at: 'steps',
        step: undefined,
        severity: 'error',
        message: "no 'end' step can be reached from the start, so no conversation can finish; add a step with 'type: end'",
      },
    ]);
  });

  it('start, next, case and default targets must exist', () => {
    const problems = check({
      start: 'hell',
      steps: [
        say('hello', { next: 'nowhere' }),
        { id: 'route', type: 'branch', cases: [{ when: { lang: 'id' }, next: 'dnoe' }], default: 'gone' },
        end(),
      ],
    });
    expect(problems.map((p) => [p.at, p.message])).toEqual([
      ['start', "'start' points to 'hell', but there is no step with that id (did you mean 'hello'?)"],
      ['steps.0.next', "'next' points to 'nowhere', but there is no step with that id"],
      ['steps.1.cases.0.next', "'cases[0].next' points to 'dnoe', but there is no step with that id (did you mean 'done'?)"],
      ['steps.1.default', "'default' points to 'gone', but there is no step with that id (did you mean 'done'?)"],
    ]);
  });
});

describe('translations', () => {
  it('every text needs every language of the flow, including settings, system texts, labels and collect texts', () => {
    const problems = check({
      settings: { reminder: { id: 'Halo?' } },
      texts: { handoff: { en: 'A tracer will answer.' } },
      steps: [
        ask('colour', { answer: { type: 'choice', choices: [{ value: 'red', label: { id: 'Merah' } }] } }),
        {
          id: 'contacts',
          type: 'collect',
          intro: { en: 'Tell me who you met.' },
          questions: [{ id: 'name', text: t('Name?'), reask: { id: 'Nama?' }, answer: { type: 'text' } }],
          more: t('More?'),
          item_done: { id: 'Tersimpan' },
        },
        end(),
      ],
    });
    expect(problems.map((p) => [p.at, p.step, p.message])).toEqual([
      ['settings.reminder', undefined, "this text has no English ('en') version; add 'en: ...'"],
      ['texts.handoff', undefined, "this text has no Bahasa Indonesia ('id') version; add 'id: ...'"],
      ['steps.0.answer.choices.0.label', 'colour', "this text has no English ('en') version; add 'en: ...'"],
      ['steps.1.intro', 'contacts', "this text has no Bahasa Indonesia ('id') version; add 'id: ...'"],
      ['steps.1.item_done', 'contacts', "this text has no English ('en') version; add 'en: ...'"],
      ['steps.1.questions.0.reask', 'contacts', "this text has no English ('en') version; add 'en: ...'"],
    ]);
  });

  it('a flow in one language needs only that language, and text in another is a warning', () => {
    const problems = check({
      languages: ['id'],
      name: { id: 'Uji' },
      steps: [say('hello'), { id: 'done', type: 'end', text: { id: 'Selesai' } }],
    });
    expect(problems).toEqual([
      {
        at: 'steps.0.text.en',
        step: 'hello',
        severity: 'warning',
        message: "text in 'en', which is not one of this flow's languages (id); it is never shown",
      },
    ]);
  });

  it('a default language outside the flow languages is an error', () => {
    const problems = check({ languages: ['en'], default_language: 'id', name: { en: 'Test' }, steps: [{ id: 'done', type: 'end' }] });
    expect(problems).toEqual([
      { at: 'default_language', step: undefined, severity: 'error', message: "default_language 'id' is not one of this flow's languages (en)" },
    ]);
  });
});

describe('conditions', () => {
  const branchOn = (when: Record<string, unknown>) => check({
    steps: [ask('fever'), { id: 'route', type: 'branch', cases: [{ when, next: 'done' }], default: 'done' }, end()],
  });

  it('$where is refused because it would run code', () => {
    const problems = branchOn({ $where: 'process.exit(1)' });
    expect(problems).toEqual([
      {
        at: 'steps.1.cases.0.when',
        step: 'route',
        severity: 'error',
        message: "'$where' is not allowed in a condition (it would run code); use field comparisons such as { answers.x: true }",
      },
    ]);
  });

  it('an operator sift does not know is an error', () => {
    const [problem] = branchOn({ 'answers.fever': { $gratherThan: 38 } });
    expect(problem).toMatchObject({ at: 'steps.1.cases.0.when', severity: 'error' });
    expect(problem!.message).toMatch(/^this condition is not a valid query: .*\$gratherThan/);
  });

  it('a condition on an answer nobody saves, or outside the data conditions see, is a warning', () => {
    expect(branchOn({ 'answers.fevr': true })).toEqual([
      {
        at: 'steps.1.cases.0.when.answers.fevr',
        step: 'route',
        severity: 'warning',
        message: "the condition looks at 'answers.fevr': no step saves an answer 'fevr' (did you mean 'fever'?)",
      },
    ]);
    expect(branchOn({ $or: [{ 'answer.fever': true }, { lang: 'en' }] }).map((p) => p.message)).toEqual([
      "the condition looks at 'answer.fever'; conditions can only see answers.<key>, lists.<key>, case.<field>, contact.<key>, monitoring.<key>, lang, item.<key> and count",
    ]);
  });

  it('escalate_when conditions are checked too', () => {
    const problems = check({ steps: [ask('breath', { escalate_when: { when: { $where: 'true' }, reason: 'breathing' } }), end()] });
    expect(problems.map((p) => [p.at, p.severity])).toEqual([['steps.0.escalate_when.when', 'error']]);
  });
});

describe('templates and date limits', () => {
  it('warns about placeholders that would print nothing', () => {
    const problems = check({
      steps: [
        ask('onset', { answer: { type: 'date' } }),
        {
          id: 'contacts',
          type: 'collect',
          questions: [{ id: 'name', text: t('Name?'), answer: { type: 'text' } }],
          more: t('More than {{item.name}}?'),
        },
        say('summary', { text: { id: 'Sejak {{answers.onst}}: {{answers.contacts}}', en: '{{lists.contacts}} {{lists.onset}} {{weather}}' } }),
        end(),
      ],
    });
    expect(problems.map((p) => [p.at, p.severity, p.message])).toEqual([
      ['steps.1.more.id', 'warning', "{{item.name}} is only available in a collect step's questions and 'item_done'"],
      ['steps.1.more.en', 'warning', "{{item.name}} is only available in a collect step's questions and 'item_done'"],
      ['steps.2.text.id', 'warning', "{{answers.onst}}: no step saves an answer 'onst' (did you mean 'onset'?)"],
      ['steps.2.text.id', 'warning', "{{answers.contacts}}: 'contacts' is a list saved by a collect step: use lists.contacts"],
      ['steps.2.text.en', 'warning', "{{lists.onset}}: 'onset' is an answer, not a list: use answers.onset"],
      ['steps.2.text.en', 'warning', 'unknown placeholder {{weather}}; use {{answers.<key>}}, {{lists.<key>}}, {{case.<field>}}, {{contact.<key>}}, {{monitoring.<key>}}, {{item.<key>}} or {{count}}'],
    ]);
  });

  it('warns when a date limit refers to a missing or non-date answer', () => {
    const problems = check({
      steps: [
        ask('sick'),
        ask('tested', { answer: { type: 'date', min: 'answers.sick - 2d', max: 'answers.onset' } }),
        end(),
      ],
    });
    expect(problems.map((p) => [p.at, p.severity, p.message])).toEqual([
      ['steps.1.answer.min', 'warning', "date min refers to answer 'sick', which is a yes_no answer, not a date"],
      ['steps.1.answer.max', 'warning', "date max refers to answers.onset: no step saves an answer 'onset'"],
    ]);
  });

  it('a choice value used twice is an error', () => {
    const problems = check({
      steps: [
        ask('where', { answer: { type: 'choice', choices: [{ value: 'home', label: t('Home') }, { value: 'home', label: t('House') }] } }),
        end(),
      ],
    });
    expect(problems).toEqual([
      { at: 'steps.0.answer.choices.1.value', step: 'where', severity: 'error', message: "choice value 'home' is used twice" },
    ]);
  });
});
