import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadFlowSource } from '../../../src/flow/load.js';
import { applyFormOp, readStep, stepIds, type FormOp } from '../../../src/services/coordinator/flow-form.js';

// A full-size interview (the case interview as it was before the identity check moved first): comments, section headings,
// folded texts, branches, choices with synonyms and a collect step. A fixture, so the flow's own edits do not move it.
const caseInterview = readFileSync(new URL('../../fixtures/flows/form-editor-interview.yaml', import.meta.url), 'utf8');

function apply(source: string, op: FormOp): string {
  const r = applyFormOp(source, op);
  if (!r.ok) throw new Error(`refused: ${r.error}`);
  return r.source;
}

/** The lines of `after` that are not in `before` and the other way round (a line diff good enough for small edits). */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { removed: a.slice(start, endA), added: b.slice(start, endB) };
}

const valid = (source: string) => loadFlowSource(source, 'case-interview.yaml').ok;

describe('the form editor writes the flow YAML back keeping its comments and layout', () => {
  it('reads a choice question as the form shows it', () => {
    const f = readStep(caseInterview, 'isolation')!;
    expect(f.type).toBe('ask');
    expect(f.answerType).toBe('choice');
    expect(f.text).toEqual({ id: 'Di mana Anda menjalani isolasi sekarang?', en: 'Where are you isolating now?' });
    expect(f.choices.map((c) => c.value)).toEqual(['home', 'isolation_centre', 'hospital', 'other']);
    expect(f.choices[0]).toEqual({ value: 'home', id: 'Di rumah', en: 'At home' });
    expect(stepIds(caseInterview)).toContain('isolation');
  });

  it('changes one Indonesian text and adds a choice: only those lines change, comments and synonyms stay', () => {
    const f = readStep(caseInterview, 'isolation')!;
    const out = apply(caseInterview, {
      op: 'edit',
      step: 'isolation',
      edit: { text: { id: 'Di mana Anda isolasi saat ini?', en: f.text!.en }, choices: [...f.choices, { value: 'hotel', id: 'Hotel isolasi', en: 'Isolation hotel' }] },
    });
    expect(out).toContain('    text:\n      id: Di mana Anda isolasi saat ini?\n      en: Where are you isolating now?\n');
    expect(out).toContain('        - value: hotel\n          label: { id: Hotel isolasi, en: Isolation hotel }\n');
    // Everything else is byte for byte the file: the header comments, the section comments, other steps' folded texts.
    expect(out.replace('Di mana Anda isolasi saat ini?', 'Di mana Anda menjalani isolasi sekarang?').replace('        - value: hotel\n          label: { id: Hotel isolasi, en: Isolation hotel }\n', '')).toBe(caseInterview);
    expect(valid(out)).toBe(true);
    expect(readStep(out, 'isolation')!.choices.at(-1)).toEqual({ value: 'hotel', id: 'Hotel isolasi', en: 'Isolation hotel' });
  });

  it('keeps a folded block text folded and a comment inside the step when the step is edited', () => {
    const before = readStep(caseInterview, 'callback_handoff')!;
    const out = apply(caseInterview, { op: 'edit', step: 'callback_handoff', edit: { text: { id: before.text!.id, en: 'Okay, a tracer will contact you here. Thank you.' } } });
    const d = changedLines(caseInterview, out);
    expect(d.removed).toEqual(['      en: Okay, one of our tracers will contact you here. Thank you.']);
    expect(d.added).toEqual(['      en: Okay, a tracer will contact you here. Thank you.']);
    expect(out).toContain('    # A tracer who wins consent hands back and the interview starts at the identity check.\n');
  });

  it('writes texts with YAML-special characters so they read back the same', () => {
    const text = { id: 'Baik: ya, #1 "terima kasih"', en: "That's it - - [ok] {x}" };
    const out = apply(caseInterview, { op: 'edit', step: 'consent', edit: { text } });
    expect(readStep(out, 'consent')!.text).toEqual(text);
    expect(valid(out)).toBe(true);
  });

  it('changes where a step goes and a branch target; the following step when next is empty', () => {
    let out = apply(caseInterview, { op: 'edit', step: 'consent', edit: { next: 'callback' } });
    expect(changedLines(caseInterview, out).added).toEqual(['    next: callback']);
    out = apply(out, { op: 'edit', step: 'consent', edit: { next: '' } });
    expect(out).toBe(caseInterview);
    out = apply(caseInterview, { op: 'edit', step: 'consent_check', edit: { caseNext: ['callback'], defaultNext: 'declined_end' } });
    const d = changedLines(caseInterview, out);
    expect(d.removed).toEqual(['        next: identity_check', '    default: callback']);
    expect(d.added).toEqual(['        next: callback', '    default: declined_end']);
  });

  it('changes the answer type, and a choice without a value is removed', () => {
    let out = apply(caseInterview, { op: 'edit', step: 'consent', edit: { answerType: 'choice' } });
    expect(readStep(out, 'consent')!.answerType).toBe('choice');
    expect(valid(out)).toBe(false); // no choices yet: the checker says so until one is added
    out = apply(out, { op: 'edit', step: 'consent', edit: { choices: [{ value: 'now', id: 'Sekarang', en: 'Now' }, { value: '', id: 'x', en: 'y' }] } });
    expect(readStep(out, 'consent')!.choices).toEqual([{ value: 'now', id: 'Sekarang', en: 'Now' }]);
    out = apply(caseInterview, { op: 'edit', step: 'consent', edit: { reask: { id: 'Jawab ya atau tidak.', en: 'Answer yes or no.' } } });
    expect(readStep(out, 'consent')!.reask).toEqual({ id: 'Jawab ya atau tidak.', en: 'Answer yes or no.' });
  });

  it('edits a collect step’s texts', () => {
    const id = stepIds(caseInterview)!.find((s) => readStep(caseInterview, s)!.type === 'collect')!;
    const before = readStep(caseInterview, id)!.collect!;
    const out = apply(caseInterview, { op: 'edit', step: id, edit: { more: { id: 'Ada orang lain lagi?', en: before.more.en } } });
    expect(readStep(out, id)!.collect!.more).toEqual({ id: 'Ada orang lain lagi?', en: before.more.en });
    expect(readStep(out, id)!.collect!.intro).toEqual(before.intro);
    expect(valid(out)).toBe(true);
  });

  it('adds, moves and deletes steps; a section comment travels with the step below it', () => {
    const added = apply(caseInterview, { op: 'add', after: 'consent', id: 'new_question', type: 'ask' });
    expect(stepIds(added)!.slice(0, 4)).toEqual(['greeting', 'consent', 'new_question', 'consent_check']);
    expect(changedLines(caseInterview, added).removed).toEqual([]);
    expect(valid(added)).toBe(true);
    const moved = apply(caseInterview, { op: 'move', step: 'identity_check', by: -1 });
    const ids = stepIds(moved)!;
    expect(ids.indexOf('identity_check')).toBe(ids.indexOf('declined_end') - 1);
    expect(moved.indexOf('# ---- identity')).toBeLessThan(moved.indexOf('- id: identity_check'));
    expect(moved.indexOf('- id: identity_check')).toBeLessThan(moved.indexOf('- id: declined_end'));
    expect(apply(moved, { op: 'move', step: 'identity_check', by: 1 })).toBe(caseInterview);
    const deleted = apply(added, { op: 'delete', step: 'new_question' });
    expect(deleted).toBe(caseInterview);
  });

  it('edits a step written on one line in flow style, and a file with no blank lines between steps', () => {
    const src = `spec: 1
id: tiny
name: { id: Kecil, en: Tiny }
steps:
  - { id: hello, type: say, text: { id: Halo, en: Hello } }
  - id: pick
    type: ask
    text: { id: Pilih, en: Pick }
    answer: { type: choice, choices: [{ value: a, label: { id: A, en: A } }] }
  - { id: bye, type: end, text: { id: Dadah, en: Bye } }
`;
    const out = apply(src, { op: 'edit', step: 'hello', edit: { text: { id: 'Halo semua', en: 'Hello' } } });
    expect(out).toBe(src.replace('{ id: Halo, en: Hello }', '{ id: Halo semua, en: Hello }'));
    const more = apply(src, { op: 'edit', step: 'pick', edit: { choices: [{ value: 'a', id: 'A', en: 'A' }, { value: 'b', id: 'B', en: 'B' }] } });
    expect(readStep(more, 'pick')!.choices.map((c) => c.value)).toEqual(['a', 'b']);
    expect(more.split('\n').slice(0, 5)).toEqual(src.split('\n').slice(0, 5));
    expect(more.endsWith("  - { id: bye, type: end, text: { id: Dadah, en: Bye } }\n")).toBe(true);
    const moved = apply(src, { op: 'move', step: 'bye', by: -1 });
    expect(stepIds(moved)).toEqual(['hello', 'bye', 'pick']);
    expect(readStep(moved, 'pick')!.choices.map((c) => c.value)).toEqual(['a']);
  });

  it('refuses what it cannot do, with a reason', () => {
    expect(applyFormOp(caseInterview, { op: 'add', after: 'consent', id: 'consent', type: 'say' })).toEqual({ ok: false, error: 'duplicate_step_id' });
    expect(applyFormOp(caseInterview, { op: 'add', after: 'consent', id: 'Bad Id', type: 'say' })).toEqual({ ok: false, error: 'bad_step_id' });
    expect(applyFormOp(caseInterview, { op: 'delete', step: 'nope' })).toEqual({ ok: false, error: 'unknown_step' });
    expect(applyFormOp('steps: [\n', { op: 'delete', step: 'x' })).toEqual({ ok: false, error: 'unparsable' });
  });
});
