import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFlowFile, loadFlowSource } from '../../src/flow/load.js';
import { formatProblem, type FlowProblem } from '../../src/flow/problems.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/flows/${name}`, import.meta.url));

/** The problems of a flow that must fail to load, reduced to what a coordinator reads. */
function problemsOf(result: ReturnType<typeof loadFlowSource>): Omit<FlowProblem, 'file'>[] {
  if (result.ok) throw new Error('expected the flow to fail loading');
  return result.problems.map(({ file: _file, ...rest }) => rest);
}

const HEAD = 'spec: 1\nid: t\nname: { id: T, en: T }\nsteps:\n';

describe('loading a valid flow', () => {
  it('returns the validated flow with defaults filled in, its source, and no warnings', () => {
    const result = loadFlowFile(fixture('valid-small.yaml'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.flow.id).toBe('small-interview');
    expect(result.flow.steps.map((s) => s.type)).toEqual(['say', 'ask', 'ask', 'branch', 'collect', 'handoff', 'end']);
    expect(result.flow.settings.max_invalid).toBe(3);
    expect(result.flow.settings.reminder?.en).toBe('We are still waiting for your answer.');
    expect(result.source).toContain('id: small-interview');
    expect(result.warnings).toEqual([]);
  });
});

describe('a coordinator is told the file, line, column and step of each problem', () => {
  it('a YAML syntax error points at the first bad spot and explains the {{...}} quoting trap', () => {
    const result = loadFlowFile(fixture('broken-syntax.yaml'));
    const problems = problemsOf(result);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 8, col: 33, severity: 'error' });
    expect(problems[0]!.message).toContain('a text containing {{...}} must be quoted');
  });

  it('an unknown step type lists the types there are', () => {
    expect(problemsOf(loadFlowFile(fixture('broken-step-type.yaml')))).toEqual([
      {
        line: 10,
        col: 11,
        stepId: 'age',
        severity: 'error',
        message: "unknown step type 'asK'; use one of say, ask, branch, collect, handoff, end",
      },
    ]);
  });

  it('a next pointing to a missing step suggests the closest id, without echoing reachability errors', () => {
    expect(problemsOf(loadFlowFile(fixture('broken-next.yaml')))).toEqual([
      {
        line: 9,
        col: 11,
        stepId: 'hello',
        severity: 'error',
        message: "'next' points to 'symptom', but there is no step with that id (did you mean 'symptoms'?)",
      },
    ]);
  });

  it('a missing English text is reported for the question text and for a choice label', () => {
    const problems = problemsOf(loadFlowFile(fixture('broken-missing-en.yaml')));
    expect(problems.map((p) => [p.line, p.col, p.stepId, p.severity])).toEqual([
      [12, 5, 'feeling', 'error'],
      [20, 18, 'feeling', 'error'],
    ]);
    expect(problems[0]!.message).toBe("this text has no English ('en') version; add 'en: ...'");
  });

  it('a step nothing leads to is an error', () => {
    expect(problemsOf(loadFlowFile(fixture('broken-unreachable.yaml')))).toEqual([
      {
        line: 10,
        col: 9,
        stepId: 'forgotten',
        severity: 'error',
        message: "step 'forgotten' can never be reached: no step leads to it from the start",
      },
    ]);
  });

  it('a loop with no way to an end is an error, and the end step behind it is unreachable', () => {
    const problems = problemsOf(loadFlowFile(fixture('broken-loop.yaml')));
    expect(problems).toEqual([
      {
        line: 6,
        col: 9,
        stepId: 'hello',
        severity: 'error',
        message: "steps hello → again → decide → hello loop forever: none of them leads to an 'end' or 'handoff' step",
      },
      { line: 19, col: 9, stepId: 'done', severity: 'error', message: "step 'done' can never be reached: no step leads to it from the start" },
    ]);
  });

  it('formats problems as file:line:col: message (step id)', () => {
    const result = loadFlowFile(fixture('broken-step-type.yaml'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatProblem(result.problems[0]!)).toBe(
      `${fixture('broken-step-type.yaml')}:10:11: unknown step type 'asK'; use one of say, ask, branch, collect, handoff, end (step age)`,
    );
  });
});

describe('schema problems are rewritten for people who do not read zod', () => {
  it('a misspelt field gets a suggestion and points at the field name', () => {
    const src = `${HEAD}  - id: a\n    type: say\n    text: { id: A, en: A }\n    nxt: b\n  - id: b\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))).toEqual([
      { line: 8, col: 5, stepId: 'a', severity: 'error', message: "unknown field 'nxt' (did you mean 'next'?)" },
    ]);
  });

  it('a field too far from any known one lists the allowed fields', () => {
    const src = `${HEAD}  - id: a\n    type: say\n    text: { id: A, en: A }\n    colour: red\n  - id: b\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))[0]!.message).toBe("unknown field 'colour'; allowed here: id, next, type, text");
  });

  it('a missing required field points at the step that lacks it', () => {
    const src = `${HEAD}  - id: a\n    type: say\n  - id: b\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))).toEqual([
      { line: 5, col: 5, stepId: 'a', severity: 'error', message: "missing 'text' (a text per language, e.g. text: { id: ..., en: ... })" },
    ]);
  });

  it('a plain string where a text per language is needed says how to write it', () => {
    const src = `${HEAD}  - id: a\n    type: say\n    text: Hello\n  - id: b\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))[0]).toMatchObject({
      line: 7,
      col: 11,
      message: "'text' needs a text per language, e.g. text: { id: ..., en: ... }",
    });
  });

  it('an unknown answer type inside a collect question names the question', () => {
    const src =
      `${HEAD}  - id: c\n    type: collect\n    questions:\n      - id: n\n        text: { id: A, en: A }\n` +
      `        answer: { type: txt }\n    more: { id: A, en: A }\n  - id: b\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))).toEqual([
      {
        line: 10,
        col: 25,
        stepId: 'c',
        severity: 'error',
        message: "question 'n': unknown answer type 'txt'; use one of text, number, yes_no, choice, date, phone",
      },
    ]);
  });

  it('a badly written id shows the value and the rule', () => {
    const src = `${HEAD}  - id: Ask-1\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))[0]).toMatchObject({
      line: 5,
      col: 9,
      message: "'id' is 'Ask-1': use lower_snake_case (a-z, 0-9, _), starting with a letter",
    });
  });

  it('a field given twice is a YAML error on the second one', () => {
    const src = `${HEAD}  - id: a\n    type: end\n    type: end\n`;
    expect(problemsOf(loadFlowSource(src, 'f.yaml'))).toEqual([
      { line: 7, col: 5, severity: 'error', message: "'type' appears twice here; each field may be given only once" },
    ]);
  });

  it('an empty file and a file with two documents are explained', () => {
    expect(problemsOf(loadFlowSource('', 'f.yaml'))[0]!.message).toBe('the file is empty; a flow needs at least spec, id, name and steps');
    expect(problemsOf(loadFlowSource(`${HEAD}  - id: a\n    type: end\n---\nx: 1\n`, 'f.yaml'))[0]).toMatchObject({ line: 7, col: 1 });
  });

  it('an alias to a missing anchor is a problem, not a crash', () => {
    const problems = problemsOf(loadFlowSource(`${HEAD}  - id: a\n    type: end\n    text: *nope\n`, 'f.yaml'));
    expect(problems[0]!.message).toContain('Unresolved alias');
  });
});

describe('loadFlowFile', () => {
  it('reports a missing file as a problem instead of throwing', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'tracebot-flows-')), 'nope.yaml');
    expect(loadFlowFile(missing)).toEqual({
      ok: false,
      problems: [{ file: missing, line: 1, col: 1, message: 'file not found', severity: 'error' }],
    });
  });
});
