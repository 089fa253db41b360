import { compileCondition } from './conditions.js';
import type { AnswerSpec, FlowDefinition, LocalizedText, Step } from './definition.js';
import { didYouMean, sortProblems, type FlowProblem, type SourcePos } from './problems.js';

/** A path into the flow document, e.g. `['steps', 3, 'next']`. */
export type FlowPath = (string | number)[];
/** Finds the position of the YAML node at `path` (or of its nearest existing parent). */
export type Locate = (path: FlowPath) => SourcePos;

const LANG_NAMES: Record<string, string> = { id: 'Bahasa Indonesia', en: 'English' };
const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const CONDITION_ROOTS = ['answers', 'lists', 'case', 'lang', 'item', 'count'];

/**
 * Graph and content checks on a schema-valid flow: step ids, jump targets, reachability, loops with no way out,
 * falling off the end, missing translations, conditions sift cannot compile, and references to answers nobody saves.
 * Returns problems sorted by position; never throws.
 */
export function checkFlow(flow: FlowDefinition, locate: Locate, file: string): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const report = (severity: FlowProblem['severity'], path: FlowPath, message: string, stepId?: string): void => {
    problems.push({ file, ...locate(path), ...(stepId === undefined ? {} : { stepId }), message, severity });
  };
  const ctx: Ctx = { flow, report, answerTypes: savedAnswers(flow), listKeys: savedLists(flow) };

  checkLanguages(ctx);
  const firstIndex = checkStepIds(ctx);
  const targetsKnown = checkTargets(ctx, firstIndex);
  checkGraph(ctx, firstIndex, targetsKnown);
  checkTexts(ctx);
  checkConditions(ctx);
  checkAnswerSpecs(ctx);
  return sortProblems(problems);
}

interface Ctx {
  flow: FlowDefinition;
  report: (severity: FlowProblem['severity'], path: FlowPath, message: string, stepId?: string) => void;
  /** Answer keys saved by ask steps (`save_as`, else the step id), with their answer type. */
  answerTypes: Map<string, AnswerSpec['type']>;
  /** List keys saved by collect steps (`save_as`, else the step id). */
  listKeys: Set<string>;
}

function savedAnswers(flow: FlowDefinition): Map<string, AnswerSpec['type']> {
  const keys = new Map<string, AnswerSpec['type']>();
  for (const step of flow.steps) if (step.type === 'ask') keys.set(step.save_as ?? step.id, step.answer.type);
  return keys;
}

function savedLists(flow: FlowDefinition): Set<string> {
  return new Set(flow.steps.flatMap((step) => (step.type === 'collect' ? [step.save_as ?? step.id] : [])));
}

/** Why `answers.<key>` or `lists.<key>` names nothing the flow saves, or undefined when it does. */
function unknownKey(ctx: Ctx, root: 'answers' | 'lists', key: string): string | undefined {
  if (root === 'answers' && ctx.answerTypes.has(key)) return undefined;
  if (root === 'lists' && ctx.listKeys.has(key)) return undefined;
  if (root === 'answers' && ctx.listKeys.has(key)) return `'${key}' is a list saved by a collect step: use lists.${key}`;
  if (root === 'lists' && ctx.answerTypes.has(key)) return `'${key}' is an answer, not a list: use answers.${key}`;
  const hint = didYouMean(key, root === 'answers' ? ctx.answerTypes.keys() : ctx.listKeys);
  const what = root === 'answers' ? 'answer' : 'list';
  return `no step saves ${what === 'answer' ? 'an' : 'a'} ${what} '${key}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`;
}

function checkLanguages({ flow, report }: Ctx): void {
  if (!flow.languages.includes(flow.default_language)) {
    report('error', ['default_language'], `default_language '${flow.default_language}' is not one of this flow's languages (${flow.languages.join(', ')})`);
  }
}

/** Reports duplicate step ids and duplicate question ids; returns each step id's first index. */
function checkStepIds({ flow, report }: Ctx): Map<string, number> {
  const firstIndex = new Map<string, number>();
  flow.steps.forEach((step, i) => {
    const first = firstIndex.get(step.id);
    if (first === undefined) firstIndex.set(step.id, i);
    else report('error', ['steps', i, 'id'], `step id '${step.id}' is used twice (step ${first + 1} in the list has it too); step ids must be unique`, step.id);

    if (step.type === 'collect') {
      const seen = new Set<string>();
      step.questions.forEach((q, j) => {
        if (seen.has(q.id)) report('error', ['steps', i, 'questions', j, 'id'], `question id '${q.id}' is used twice in this collect step`, step.id);
        seen.add(q.id);
      });
    }
  });
  return firstIndex;
}

function targetsOf(step: Step): { path: FlowPath; target: string }[] {
  if (step.type === 'branch') {
    return [...step.cases.map((c, k) => ({ path: ['cases', k, 'next'], target: c.next })), { path: ['default'], target: step.default }];
  }
  if (step.type === 'end' || step.next === undefined) return [];
  return [{ path: ['next'], target: step.next }];
}

/** Reports jumps to steps that do not exist; returns true when every jump target exists. */
function checkTargets({ flow, report }: Ctx, firstIndex: Map<string, number>): boolean {
  let allKnown = true;
  const ids = [...firstIndex.keys()];
  const unknown = (field: string, target: string): string => {
    const hint = didYouMean(target, ids);
    return `'${field}' points to '${target}', but there is no step with that id${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`;
  };
  if (flow.start !== undefined && !firstIndex.has(flow.start)) {
    allKnown = false;
    report('error', ['start'], unknown('start', flow.start));
  }
  flow.steps.forEach((step, i) => {
    for (const { path, target } of targetsOf(step)) {
      if (firstIndex.has(target)) continue;
      allKnown = false;
      const field = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1);
      report('error', ['steps', i, ...path], unknown(field, target), step.id);
    }
  });
  return allKnown;
}

/** Where a step can go next; a step without `next` continues with the next step in the file (except branch and end). */
function successors(flow: FlowDefinition, i: number, firstIndex: Map<string, number>): number[] {
  const step = flow.steps[i]!;
  const explicit = targetsOf(step).map((t) => firstIndex.get(t.target));
  if (step.type === 'branch' || step.type === 'end') return explicit.filter((n): n is number => n !== undefined);
  if (step.next !== undefined) return explicit.filter((n): n is number => n !== undefined);
  return i + 1 < flow.steps.length ? [i + 1] : [];
}

// A handoff hands the chat to a tracer, who ends it or hands it back: either way the bot is not stuck in a loop.
const isExit = (step: Step): boolean => step.type === 'end' || step.type === 'handoff';

function checkGraph({ flow, report }: Ctx, firstIndex: Map<string, number>, targetsKnown: boolean): void {
  const n = flow.steps.length;
  const last = flow.steps[n - 1]!;
  if (last.type !== 'end' && last.type !== 'handoff' && last.type !== 'branch' && last.next === undefined) {
    report(
      'error',
      ['steps', n - 1, 'id'],
      `the last step has no 'next', so the conversation would stop without finishing; add 'next: <step id>' or an 'end' step after it`,
      last.id,
    );
  }

  // With a jump to a missing step the graph is incomplete: reachability and loop errors would only be echoes of it.
  if (!targetsKnown) return;
  const startIndex = flow.start === undefined ? 0 : firstIndex.get(flow.start)!;

  const succ = flow.steps.map((_, i) => successors(flow, i, firstIndex));
  const reachable = new Set<number>([startIndex]);
  const queue = [startIndex];
  while (queue.length > 0) {
    for (const s of succ[queue.pop()!]!) {
      if (!reachable.has(s)) {
        reachable.add(s);
        queue.push(s);
      }
    }
  }

  let graphErrors = 0;
  flow.steps.forEach((step, i) => {
    // A second step with an already used id is reported as a duplicate; calling it unreachable too would only confuse.
    if (!reachable.has(i) && firstIndex.get(step.id) === i) {
      graphErrors++;
      report('error', ['steps', i, 'id'], `step '${step.id}' can never be reached: no step leads to it from the start`, step.id);
    }
  });

  // Steps that can reach an exit, found by walking the edges backwards from every end and handoff step.
  const preds = flow.steps.map((): number[] => []);
  succ.forEach((targets, i) => targets.forEach((t) => preds[t]!.push(i)));
  const canExit = new Set<number>();
  const back = flow.steps.flatMap((s, i) => (isExit(s) ? [i] : []));
  back.forEach((i) => canExit.add(i));
  while (back.length > 0) {
    for (const p of preds[back.pop()!]!) {
      if (!canExit.has(p)) {
        canExit.add(p);
        back.push(p);
      }
    }
  }

  const stuck = new Set([...reachable].filter((i) => !canExit.has(i)));
  for (const loop of cycles(stuck, succ)) {
    const names = [...loop, loop[0]!].map((i) => flow.steps[i]!.id).join(' → ');
    const first = flow.steps[loop[0]!]!;
    graphErrors++;
    report('error', ['steps', loop[0]!, 'id'], `steps ${names} loop forever: none of them leads to an 'end' or 'handoff' step`, first.id);
  }

  // Said only when nothing above explains it, e.g. a flow whose every path ends in a handoff.
  if (graphErrors === 0 && ![...reachable].some((i) => flow.steps[i]!.type === 'end')) {
    report('error', flow.start === undefined ? ['steps'] : ['start'], `no 'end' step can be reached from the start, so no conversation can finish; add a step with 'type: end'`);
  }
}

/** The strongly connected sets of `nodes` that contain a cycle, each in file order (Tarjan's algorithm). */
function cycles(nodes: Set<number>, succ: number[][]): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const stack: number[] = [];
  const onStack = new Set<number>();
  const found: number[][] = [];
  let counter = 0;

  const visit = (v: number): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of succ[v]!) {
      if (!nodes.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || succ[v]!.includes(v)) found.push(component.sort((a, b) => a - b));
    }
  };
  // Flows are a few dozen steps, so recursion depth is no concern.
  [...nodes].sort((a, b) => a - b).forEach((v) => index.has(v) || visit(v));
  return found.sort((a, b) => a[0]! - b[0]!);
}

type Scope = Pick<TextSite, 'itemKeys' | 'count'>;

interface TextSite {
  path: FlowPath;
  text: LocalizedText;
  stepId?: string;
  /** Question ids available as `{{item.*}}`, when the text is said about the item being collected. */
  itemKeys?: Set<string>;
  /** `{{count}}` (items collected so far) is available: inside a collect step. */
  count?: boolean;
}

function* textsOf({ flow }: Ctx): Generator<TextSite> {
  yield { path: ['name'], text: flow.name };
  if (flow.settings.reminder) yield { path: ['settings', 'reminder'], text: flow.settings.reminder };
  for (const [key, text] of Object.entries(flow.texts ?? {})) if (text) yield { path: ['texts', key], text };

  const choices = function* (answer: AnswerSpec, path: FlowPath, stepId: string, scope: Scope = {}): Generator<TextSite> {
    if (answer.type !== 'choice') return;
    for (const [k, c] of answer.choices.entries()) yield { path: [...path, 'answer', 'choices', k, 'label'], text: c.label, stepId, ...scope };
  };

  for (const [i, step] of flow.steps.entries()) {
    const at = (key: string, text: LocalizedText | undefined, scope: Scope = {}): TextSite[] =>
      text ? [{ path: ['steps', i, key], text, stepId: step.id, ...scope }] : [];
    switch (step.type) {
      case 'say':
      case 'handoff':
      case 'end':
        yield* at('text', step.text);
        break;
      case 'ask':
        yield* at('text', step.text);
        yield* at('reask', step.reask);
        yield* choices(step.answer, ['steps', i], step.id);
        break;
      case 'collect': {
        // As the engine renders them: the intro and "any other?" know the count, the item's own texts know the item.
        const itemScope: Scope = { itemKeys: new Set(step.questions.map((q) => q.id)), count: true };
        yield* at('intro', step.intro, { count: true });
        yield* at('more', step.more, { count: true });
        yield* at('item_done', step.item_done, itemScope);
        for (const [j, q] of step.questions.entries()) {
          const qPath: FlowPath = ['steps', i, 'questions', j];
          yield { path: [...qPath, 'text'], text: q.text, stepId: step.id, ...itemScope };
          if (q.reask) yield { path: [...qPath, 'reask'], text: q.reask, stepId: step.id, ...itemScope };
          yield* choices(q.answer, qPath, step.id, itemScope);
        }
        break;
      }
      case 'branch':
        break;
    }
  }
}

function checkTexts(ctx: Ctx): void {
  const { flow, report } = ctx;
  for (const site of textsOf(ctx)) {
    for (const lang of flow.languages) {
      if (site.text[lang] === undefined) {
        report('error', site.path, `this text has no ${LANG_NAMES[lang] ?? lang} ('${lang}') version; add '${lang}: ...'`, site.stepId);
      }
    }
    for (const lang of Object.keys(site.text)) {
      if (!(flow.languages as string[]).includes(lang)) {
        report('warning', [...site.path, lang], `text in '${lang}', which is not one of this flow's languages (${flow.languages.join(', ')}); it is never shown`, site.stepId);
      }
    }
    for (const [lang, value] of Object.entries(site.text)) {
      if (value === undefined) continue;
      for (const match of value.matchAll(TEMPLATE)) {
        const message = placeholderProblem(ctx, match[1]!, site);
        if (message) report('warning', [...site.path, lang], message, site.stepId);
      }
    }
  }
}

/** Why a `{{...}}` placeholder would print nothing useful, or undefined when it is fine. */
function placeholderProblem(ctx: Ctx, expr: string, { itemKeys, count }: Scope): string | undefined {
  const [root, key] = expr.split('.', 2);
  if ((root === 'answers' || root === 'lists') && key !== undefined) {
    const why = unknownKey(ctx, root, key);
    return why === undefined ? undefined : `{{${expr}}}: ${why}`;
  }
  if (root === 'case' && key !== undefined) return undefined;
  if (root === 'item' && key !== undefined) {
    if (!itemKeys) return `{{${expr}}} is only available in a collect step's questions and 'item_done'`;
    if (itemKeys.has(key)) return undefined;
    const hint = didYouMean(key, itemKeys);
    return `{{${expr}}}: this collect step has no question '${key}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`;
  }
  if (expr === 'count') return count ? undefined : `{{count}} is only available inside a collect step`;
  return `unknown placeholder {{${expr}}}; use {{answers.<key>}}, {{lists.<key>}}, {{case.<field>}}, {{item.<key>}} or {{count}}`;
}

function checkConditions(ctx: Ctx): void {
  ctx.flow.steps.forEach((step, i) => {
    if (step.type === 'branch') step.cases.forEach((c, k) => checkCondition(ctx, c.when, ['steps', i, 'cases', k, 'when'], step.id));
    if (step.type === 'ask' && step.escalate_when) checkCondition(ctx, step.escalate_when.when, ['steps', i, 'escalate_when', 'when'], step.id);
  });
}

function checkCondition(ctx: Ctx, when: Record<string, unknown>, path: FlowPath, stepId: string): void {
  // `$where` makes sift evaluate a string as JavaScript: a flow file must never be able to run code.
  if (containsKey(when, '$where')) {
    ctx.report('error', path, `'$where' is not allowed in a condition (it would run code); use field comparisons such as { answers.x: true }`, stepId);
    return;
  }
  try {
    // The engine's own compiler, so the check accepts exactly the operators the engine will run.
    compileCondition(when);
  } catch (err) {
    ctx.report('error', path, `this condition is not a valid query: ${err instanceof Error ? err.message : String(err)}`, stepId);
    return;
  }
  for (const field of fieldsOf(when)) {
    const [root, key] = field.split('.', 2);
    if (!CONDITION_ROOTS.includes(root!)) {
      ctx.report('warning', [...path, field], `the condition looks at '${field}'; conditions can only see answers.<key>, lists.<key>, case.<field>, lang, item.<key> and count`, stepId);
    } else if ((root === 'answers' || root === 'lists') && key !== undefined) {
      const why = unknownKey(ctx, root, key);
      if (why !== undefined) ctx.report('warning', [...path, field], `the condition looks at '${field}': ${why}`, stepId);
    }
  }
}

function containsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((v) => containsKey(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => k === key || containsKey(v, key));
  }
  return false;
}

/** Field paths a query compares (keys not starting with `$`), including those inside `$and`/`$or`/`$nor`. */
function fieldsOf(query: Record<string, unknown>): string[] {
  return Object.entries(query).flatMap(([k, v]) => {
    if (!k.startsWith('$')) return [k];
    return Array.isArray(v) ? v.flatMap((q) => (q !== null && typeof q === 'object' && !Array.isArray(q) ? fieldsOf(q as Record<string, unknown>) : [])) : [];
  });
}

function checkAnswerSpecs(ctx: Ctx): void {
  ctx.flow.steps.forEach((step, i) => {
    if (step.type === 'ask') checkAnswerSpec(ctx, step.answer, ['steps', i, 'answer'], step.id);
    if (step.type === 'collect') step.questions.forEach((q, j) => checkAnswerSpec(ctx, q.answer, ['steps', i, 'questions', j, 'answer'], step.id));
  });
}

function checkAnswerSpec(ctx: Ctx, answer: AnswerSpec, path: FlowPath, stepId: string): void {
  if (answer.type === 'choice') {
    const seen = new Set<string>();
    answer.choices.forEach((c, k) => {
      if (seen.has(c.value)) ctx.report('error', [...path, 'choices', k, 'value'], `choice value '${c.value}' is used twice`, stepId);
      seen.add(c.value);
    });
  }
  if (answer.type === 'date') {
    for (const bound of ['min', 'max'] as const) {
      const key = answer[bound]?.match(/^answers\.([a-z][a-z0-9_]*)/)?.[1];
      if (key === undefined) continue;
      const type = ctx.answerTypes.get(key);
      if (type === undefined) {
        ctx.report('warning', [...path, bound], `date ${bound} refers to answers.${key}: ${unknownKey(ctx, 'answers', key)!}`, stepId);
      } else if (type !== 'date') {
        ctx.report('warning', [...path, bound], `date ${bound} refers to answer '${key}', which is a ${type} answer, not a date`, stepId);
      }
    }
  }
}
