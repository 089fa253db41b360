import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { z } from 'zod';

/**
 * The form editor's writes to a flow's YAML. YAML stays the source of truth: every change is made on the file's
 * `yaml` Document (so comments inside a step stay attached to their nodes), and only the steps a change touches are
 * written again; everything else (header, comments between steps, untouched steps) keeps its exact original text.
 */

export const STEP_TYPES = ['say', 'ask', 'branch', 'collect', 'handoff', 'end'] as const;
export const ANSWER_TYPES = ['text', 'number', 'yes_no', 'choice', 'date', 'phone'] as const;
const LANGS = ['id', 'en'] as const;

const Texts = z.object({ id: z.string().max(4000), en: z.string().max(4000) });
const ChoiceEdit = z.object({ value: z.string().max(64), id: z.string().max(500), en: z.string().max(500) });
const Target = z.string().max(64);

/** What the form sends for one step; a field left out is not touched. */
export const StepEdit = z.object({
  text: Texts.optional(),
  reask: Texts.optional(),
  /** A collect step's texts: said before the first item, the "any other?" question, said after each item. */
  intro: Texts.optional(),
  more: Texts.optional(),
  item_done: Texts.optional(),
  answerType: z.enum(ANSWER_TYPES).optional(),
  choices: z.array(ChoiceEdit).max(200).optional(),
  /** '' means "the following step" (the key is removed). */
  next: Target.optional(),
  /** A branch: each case's target, in order, and the default. */
  caseNext: z.array(Target).max(200).optional(),
  defaultNext: Target.optional(),
});
export type StepEdit = z.infer<typeof StepEdit>;

/** One change the form asks for. */
export const FormOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('edit'), step: z.string().max(64), edit: StepEdit }),
  z.object({ op: z.literal('add'), after: z.string().max(64).nullable(), id: z.string().max(64), type: z.enum(STEP_TYPES) }),
  z.object({ op: z.literal('move'), step: z.string().max(64), by: z.union([z.literal(-1), z.literal(1)]) }),
  z.object({ op: z.literal('delete'), step: z.string().max(64) }),
]);
export type FormOp = z.infer<typeof FormOp>;

export type FormError = 'unparsable' | 'no_steps' | 'unknown_step' | 'bad_step_id' | 'duplicate_step_id';
export type FormResult = { ok: true; source: string } | { ok: false; error: FormError };

/** A step as the form shows it (read from the YAML even when the flow does not pass its checks). */
export interface StepForm {
  id: string;
  type: string;
  text: { id: string; en: string } | null;
  reask: { id: string; en: string } | null;
  /** A collect step's intro, "any other?" and after-each-item texts (null for other steps). */
  collect: { intro: { id: string; en: string }; more: { id: string; en: string }; item_done: { id: string; en: string } } | null;
  answerType: string | null;
  choices: Array<{ value: string; id: string; en: string }>;
  next: string;
  cases: Array<{ when: string; next: string }>;
  defaultNext: string;
}

const STEP_ID = /^[a-z][a-z0-9_]*$/;
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const texts = (v: unknown) => {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return { id: str(o.id), en: str(o.en) };
};

interface Parsed {
  doc: Document;
  steps: YAMLSeq;
}

function parse(source: string): Parsed | FormError {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) return 'unparsable';
  const steps = doc.get('steps', true);
  if (!isSeq(steps) || steps.items.length === 0 || !steps.items.every((s) => isMap(s) && s.range)) return 'no_steps';
  return { doc, steps: steps as YAMLSeq };
}

const idOf = (item: unknown) => (isMap(item) ? str(item.get('id')) : '');

/** The ids of the flow's steps in file order, or undefined when the YAML cannot be read. */
export function stepIds(source: string): string[] | undefined {
  const p = parse(source);
  return typeof p === 'string' ? undefined : p.steps.items.map(idOf);
}

/** The form's view of one step, or undefined when the YAML cannot be read or has no such step. */
export function readStep(source: string, stepId: string): StepForm | undefined {
  const p = parse(source);
  if (typeof p === 'string') return undefined;
  const item = p.steps.items.find((s) => idOf(s) === stepId);
  if (!isMap(item)) return undefined;
  const o = item.toJSON() as Record<string, unknown>;
  const answer = (o.answer && typeof o.answer === 'object' ? o.answer : null) as Record<string, unknown> | null;
  const choices = Array.isArray(answer?.choices) ? (answer.choices as Array<Record<string, unknown>>) : [];
  const cases = Array.isArray(o.cases) ? (o.cases as Array<Record<string, unknown>>) : [];
  return {
    id: stepId,
    type: str(o.type),
    text: 'text' in o || ['say', 'ask', 'handoff', 'end'].includes(str(o.type)) ? texts(o.text) : null,
    reask: o.type === 'ask' ? texts(o.reask) : null,
    collect: o.type === 'collect' ? { intro: texts(o.intro), more: texts(o.more), item_done: texts(o.item_done) } : null,
    answerType: answer ? str(answer.type) : null,
    choices: choices.map((c) => ({ value: str(c?.value), ...texts(c?.label) })),
    next: str(o.next),
    cases: cases.map((c) => ({ when: JSON.stringify(c?.when ?? {}), next: str(c?.next) })),
    defaultNext: str(o.default),
  };
}

/** Apply one form change to the YAML source; the result keeps every untouched line as it was. */
export function applyFormOp(source: string, op: FormOp): FormResult {
  const p = parse(source);
  if (typeof p === 'string') return { ok: false, error: p };
  const { doc, steps } = p;
  const original = [...steps.items] as YAMLMap[];
  const index = (id: string) => steps.items.findIndex((s) => idOf(s) === id);
  const changed = new Set<unknown>();
  switch (op.op) {
    case 'edit': {
      const i = index(op.step);
      if (i < 0) return { ok: false, error: 'unknown_step' };
      editStep(doc, steps.items[i] as YAMLMap, op.edit);
      changed.add(steps.items[i]);
      break;
    }
    case 'add': {
      if (!STEP_ID.test(op.id)) return { ok: false, error: 'bad_step_id' };
      if (index(op.id) >= 0) return { ok: false, error: 'duplicate_step_id' };
      const at = op.after === null ? 0 : index(op.after) + 1;
      if (op.after !== null && at === 0) return { ok: false, error: 'unknown_step' };
      const node = doc.createNode(newStep(op.id, op.type)) as YAMLMap;
      steps.items.splice(at, 0, node);
      changed.add(node);
      break;
    }
    case 'move': {
      const i = index(op.step);
      if (i < 0) return { ok: false, error: 'unknown_step' };
      const j = i + op.by;
      if (j < 0 || j >= steps.items.length) return { ok: true, source };
      [steps.items[i], steps.items[j]] = [steps.items[j]!, steps.items[i]!];
      break;
    }
    case 'delete': {
      const i = index(op.step);
      if (i < 0) return { ok: false, error: 'unknown_step' };
      steps.items.splice(i, 1);
      break;
    }
  }
  return { ok: true, source: writeSteps(source, original, steps.items as YAMLMap[], changed) };
}

/** A new step with placeholder texts the checker will point at until the coordinator fills them in. */
function newStep(id: string, type: (typeof STEP_TYPES)[number]): Record<string, unknown> {
  const text = { id: 'Teks baru', en: 'New text' };
  switch (type) {
    case 'say':
      return { id, type, text };
    case 'ask':
      return { id, type, text, answer: { type: 'text' } };
    case 'branch':
      return { id, type, cases: [{ when: { [`answers.${id}`]: true }, next: id }], default: id };
    case 'collect':
      return { id, type, questions: [{ id: 'name', text, answer: { type: 'text' } }], more: { id: 'Ada lagi?', en: 'Any other?' } };
    case 'handoff':
      return { id, type, reason: id, text };
    case 'end':
      return { id, type, text };
  }
}

/** Set a scalar in place when there is one, so its style (plain, quoted, `>-` block) and comments stay. */
function setScalar(map: YAMLMap, key: string, value: string): void {
  const cur = map.get(key, true);
  if (isScalar(cur)) {
    if (cur.value !== value) cur.value = value;
  } else map.set(key, value);
}

function setTexts(doc: Document, map: YAMLMap, key: string, t: { id: string; en: string }): void {
  const clean = (s: string) => s.replace(/\r\n?/g, '\n').trim();
  const given = LANGS.filter((l) => clean(t[l]) !== '');
  if (given.length === 0) {
    map.delete(key);
    return;
  }
  const found: unknown = map.get(key, true);
  let node: YAMLMap;
  if (isMap(found)) node = found;
  else {
    node = doc.createNode({}) as YAMLMap;
    map.set(key, node);
  }
  for (const l of LANGS) {
    if (clean(t[l]) === '') node.delete(l);
    else setScalar(node, l, clean(t[l]));
  }
}

function setTarget(map: YAMLMap, key: string, target: string): void {
  if (target === '') map.delete(key);
  else setScalar(map, key, target);
}

function editStep(doc: Document, step: YAMLMap, e: StepEdit): void {
  if (e.text) setTexts(doc, step, 'text', e.text);
  if (e.reask) setTexts(doc, step, 'reask', e.reask);
  for (const key of ['intro', 'more', 'item_done'] as const) {
    const value = e[key];
    if (value) setTexts(doc, step, key, value);
  }
  if (e.answerType) {
    const answer = step.get('answer', true);
    if (isMap(answer) && str(answer.get('type')) === e.answerType) {
      // same type: keep its settings
    } else step.set('answer', doc.createNode(e.answerType === 'choice' ? { type: 'choice', choices: [] } : { type: e.answerType }, { flow: true }));
  }
  if (e.choices) editChoices(doc, step, e.choices);
  if (e.next !== undefined) setTarget(step, 'next', e.next);
  if (e.defaultNext !== undefined) setTarget(step, 'default', e.defaultNext);
  const cases = step.get('cases', true);
  if (e.caseNext && isSeq(cases)) {
    e.caseNext.forEach((target, k) => {
      const c = cases.items[k];
      if (isMap(c) && target !== '') setScalar(c, 'next', target);
    });
  }
}

/** Choices by position: existing ones keep their node (and synonyms), new rows are appended, rows without a value go. */
function editChoices(doc: Document, step: YAMLMap, rows: StepEdit['choices'] & object): void {
  const answer = step.get('answer', true);
  if (!isMap(answer) || str(answer.get('type')) !== 'choice') return;
  const found: unknown = answer.get('choices', true);
  let list: YAMLSeq;
  if (isSeq(found)) list = found;
  else {
    list = doc.createNode([]) as YAMLSeq;
    answer.set('choices', list);
  }
  // A new choice is written like the last one (one flow line, or a block with a flow label).
  const model = list.items[list.items.length - 1];
  const modelLabel = isMap(model) ? model.get('label', true) : undefined;
  const style = { item: isMap(model) ? Boolean(model.flow) : true, label: isMap(modelLabel) ? Boolean(modelLabel.flow) : true };
  const kept: unknown[] = [];
  rows.forEach((r, k) => {
    const value = r.value.trim();
    if (value === '') return;
    const existing = list.items[k];
    const node = isMap(existing) ? existing : (doc.createNode({ value }, { flow: style.item }) as YAMLMap);
    setScalar(node, 'value', value);
    if (!isMap(node.get('label', true))) node.set('label', doc.createNode({}, { flow: style.label }));
    setTexts(doc, node, 'label', { id: r.id, en: r.en });
    kept.push(node);
  });
  list.items = kept;
}

/** The source again, with each step either its original text (untouched) or written anew from its node (changed). */
function writeSteps(source: string, original: YAMLMap[], now: YAMLMap[], changed: Set<unknown>): string {
  const lineStart = (at: number) => source.lastIndexOf('\n', at - 1) + 1;
  const starts = original.map((s) => lineStart(s.range![0]));
  const ends = original.map((s) => s.range![2]);
  const head = source.slice(0, starts[0]);
  const tail = source.slice(ends[ends.length - 1]);
  // What sits above a step (blank lines, a section comment) travels with it when steps move.
  const before = original.map((_, k) => (k === 0 ? '' : source.slice(ends[k - 1], starts[k])));
  const plainGap = before.find((g, k) => k > 0 && g.trim() === '') ?? '\n';
  const indent = Math.max(0, original[0]!.range![0] - starts[0]! - 2);
  return (
    head +
    now
      .map((s, pos) => {
        const k = original.indexOf(s);
        const gap = k > 0 ? before[k]! : plainGap;
        const text = k >= 0 && !changed.has(s) ? source.slice(starts[k], ends[k]) : renderStep(s, indent, k >= 0 ? source.slice(starts[k], ends[k]) : '');
        return (pos === 0 ? gap.replace(/^\n+/, '') : gap) + text;
      })
      .join('') +
    tail
  );
}

/** Spacing inside `[ ]` and `{ }` is the only thing two writings of the same line differ in. */
const squeeze = (line: string) => line.replace(/([[{])\s+/g, '$1').replace(/\s+([\]}])/g, '$1');

function renderStep(step: YAMLMap, indent: number, was: string): string {
  const saved = { before: step.commentBefore, space: step.spaceBefore };
  // The comment above a step lives in the gap before it, which is kept as text.
  step.commentBefore = null;
  step.spaceBefore = false;
  const doc = new Document([]);
  (doc.contents as YAMLSeq).items = [step as Node];
  const text = doc.toString({ lineWidth: 120, flowCollectionPadding: true });
  step.commentBefore = saved.before;
  step.spaceBefore = saved.space;
  const pad = ' '.repeat(indent);
  // A line the change did not touch comes back exactly as the coordinator wrote it.
  const originals = new Map(was.split('\n').map((l) => [squeeze(l), l] as const));
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .map((l) => originals.get(squeeze(l)) ?? l)
    .join('\n')
    .concat('\n');
}
