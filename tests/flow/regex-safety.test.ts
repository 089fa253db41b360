import { describe, expect, it } from 'vitest';
import { checkFlow, type FlowPath } from '../../src/flow/check.js';
import { testCondition } from '../../src/flow/conditions.js';
import { FlowDefinition, type FlowInput } from '../../src/flow/definition.js';
import { MAX_REGEX_INPUT, regexHazard } from '../../src/flow/regex-safety.js';

const t = (text: string) => ({ id: `${text} (id)`, en: text });

/** A flow whose branch tests `answers.note` against `pattern`; returns the checker's problems as `path: message`. */
function checkRegex(pattern: string, options?: string): string[] {
  const input: FlowInput = {
    spec: 1,
    id: 'regex',
    name: t('Regex'),
    steps: [
      { id: 'note', type: 'ask', text: t('Note?'), answer: { type: 'text' } },
      { id: 'route', type: 'branch', cases: [{ when: { 'answers.note': { $regex: pattern, ...(options ? { $options: options } : {}) } }, next: 'done' }], default: 'done' },
      { id: 'done', type: 'end', text: t('Bye') },
    ],
  };
  const paths: string[] = [];
  const locate = (path: FlowPath) => ({ line: paths.push(path.join('.')), col: 1 });
  return checkFlow(FlowDefinition.parse(input), locate, 'regex.yaml').map((p) => `${p.severity} ${paths[p.line - 1]}: ${p.message}`);
}

describe('condition regexes that could stall the bot are refused by the checker', () => {
  it.each([
    ['^(a+)+$', 'nested quantifiers'],
    ['(a|a)*', 'overlapping alternatives'],
    ['(.*a){20}', 'nested quantifiers'],
    ['(a*)*b', 'nested quantifiers'],
    ['^(\\w+\\s?)+$', 'nested quantifiers'],
    ['(a|ab)+c', 'overlapping alternatives'],
    ['(x|[a-z])+$', 'overlapping alternatives'],
    ['.*a.*b.*c$', 'polynomial: three open-ended wildcards'],
    ['\\w+\\d*\\w+x', 'polynomial: overlapping runs'],
    ['(b|a?)+', 'empty branch'],
    ['(a)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'backreference'],
  ])('%s (%s)', (pattern) => {
    expect(regexHazard(pattern)).toBeDefined();
    const problems = checkRegex(pattern);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^error steps\.1\.cases\.0\.when\.answers\.note\.\$regex: the regular expression .* could take minutes/);
  });

  it('case-insensitive alternatives overlap when they differ only in case', () => {
    expect(regexHazard('(A|a)+')).toBeUndefined();
    expect(regexHazard('(A|a)+', 'i')).toBeDefined();
  });

  it.each([
    ['demam|batuk|sesak'],
    ['^\\s*(ya|iya|yes)\\s*$'],
    ['^(?:ya|tidak)+$'],
    ['\\bsesak\\b'],
    ['^[0-9]{2,3}$'],
    ['(ab){3}'],
    ['(\\d{3}-)+\\d{4}'],
    ['.*demam.*'],
    ['[^a-z]+'],
    ['(?=\\d)\\d+'],
    ['^\\s*\\d+\\s*$'],
  ])('%s is allowed', (pattern) => {
    expect(regexHazard(pattern)).toBeUndefined();
    expect(checkRegex(pattern)).toEqual([]);
  });

  it('a regex nested inside $or / $not / $elemMatch is checked too', () => {
    const problems = checkFlow(
      FlowDefinition.parse({
        spec: 1,
        id: 'nested',
        name: t('Nested'),
        steps: [
          { id: 'note', type: 'ask', text: t('Note?'), answer: { type: 'text' } },
          { id: 'route', type: 'branch', cases: [{ when: { $or: [{ 'answers.note': { $not: { $regex: '(a+)+' } } }] }, next: 'done' }], default: 'done' },
          { id: 'done', type: 'end' },
        ],
      }),
      () => ({ line: 7, col: 3 }),
      'nested.yaml',
    );
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.severity}`)).toEqual(['nested.yaml:7: error']);
  });
});

describe('a condition regex sees at most the start of a long answer', () => {
  it(`matches within the first ${MAX_REGEX_INPUT} characters and ignores the rest`, () => {
    const long = `${'x'.repeat(MAX_REGEX_INPUT - 5)}demam${'y'.repeat(10_000)}sesak`;
    expect(testCondition({ 'answers.note': { $regex: 'demam' } }, { answers: { note: long } })).toBe(true);
    expect(testCondition({ 'answers.note': { $regex: 'sesak' } }, { answers: { note: long } })).toBe(false);
    expect(testCondition({ 'answers.note': { $regex: 'DEMAM', $options: 'i' } }, { answers: { note: 'demam' } })).toBe(true);
  });

  it('the slowest shape the checker lets through (two overlapping wildcards, unanchored) answers a 1 MB message quickly', () => {
    expect(regexHazard('.*a.*b$')).toBeUndefined();
    const started = performance.now();
    expect(testCondition({ 'answers.note': { $regex: '.*a.*b$' } }, { answers: { note: 'a'.repeat(1_000_000) } })).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('max_steps_per_turn', () => {
  it('is at most 500', () => {
    const flow = (n: number) => FlowDefinition.safeParse({ spec: 1, id: 'x', name: t('X'), settings: { max_steps_per_turn: n }, steps: [{ id: 'done', type: 'end' }] });
    expect(flow(500).success).toBe(true);
    expect(flow(501).success).toBe(false);
  });
});
