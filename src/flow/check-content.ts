import { compileCondition } from './conditions.js';
import type { AnswerSpec, LocalizedText } from './definition.js';
import { didYouMean } from './problems.js';
import { MAX_REGEX_INPUT, regexHazard } from './regex-safety.js';
import { unknownKey, unknownContextKey, type CheckContext, type FlowPath } from './check-context.js';
import { isContextRoot } from './context-vars.js';

// Content checks: languages, translations, template placeholders, conditions and answer specs.

const LANG_NAMES: Record<string, string> = { id: 'Bahasa Indonesia', en: 'English' };
const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const CONDITION_ROOTS = ['answers', 'lists', 'case', 'contact', 'monitoring', 'lang', 'item', 'count'];

/** Reports a default language the flow does not list. */
export function checkLanguages({ flow, report }: CheckContext): void {
  if (!flow.languages.includes(flow.default_language)) {
    report('error', ['default_language'], `default_language '${flow.default_language}' is not one of this flow's languages (${flow.languages.join(', ')})`);
  }
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

function* textsOf({ flow }: CheckContext): Generator<TextSite> {
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

/** Reports texts missing a language and `{{...}}` placeholders that would print nothing useful. */
export function checkTexts(ctx: CheckContext): void {
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
        const [expr, fallback] = splitFallback(match[1]!);
        const message = placeholderProblem(ctx, expr, site);
        if (message) report('warning', [...site.path, lang], message, site.stepId);
        // Issue 14: a chat may have no case and a case may have no name; the patient must never read "Halo , kami".
        if (expr.startsWith('case.') && fallback === undefined) {
          report('error', [...site.path, lang], `{{${expr}}} may be empty (a chat without a case, a case without that field): give a fallback, e.g. {{${expr}|Anda}}`, site.stepId);
        }
      }
    }
  }
}

/** `case.name|Anda` -> ['case.name', 'Anda']; no `|` -> [expr, undefined]. */
function splitFallback(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  if (bar < 0) return [inner.trim(), undefined];
  const fallback = inner.slice(bar + 1).trim();
  return [inner.slice(0, bar).trim(), fallback === '' ? undefined : fallback];
}

/** Why a `{{...}}` placeholder would print nothing useful, or undefined when it is fine. */
function placeholderProblem(ctx: CheckContext, expr: string, { itemKeys, count }: Scope): string | undefined {
  const [root, key] = expr.split('.', 2);
  if ((root === 'answers' || root === 'lists') && key !== undefined) {
    const why = unknownKey(ctx, root, key);
    return why === undefined ? undefined : `{{${expr}}}: ${why}`;
  }
  if (root === 'case' && key !== undefined) return undefined;
  if (root !== undefined && isContextRoot(root) && key !== undefined) {
    const why = unknownContextKey(root, key);
    return why === undefined ? undefined : `{{${expr}}}: ${why}`;
  }
  if (root === 'item' && key !== undefined) {
    if (!itemKeys) return `{{${expr}}} is only available in a collect step's questions and 'item_done'`;
    if (itemKeys.has(key)) return undefined;
    const hint = didYouMean(key, itemKeys);
    return `{{${expr}}}: this collect step has no question '${key}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`;
  }
  if (expr === 'count') return count ? undefined : `{{count}} is only available inside a collect step`;
  return `unknown placeholder {{${expr}}}; use {{answers.<key>}}, {{lists.<key>}}, {{case.<field>}}, {{contact.<key>}}, {{monitoring.<key>}}, {{item.<key>}} or {{count}}`;
}

/** Reports conditions that do not compile or name answers and lists nobody saves. */
export function checkConditions(ctx: CheckContext): void {
  ctx.flow.steps.forEach((step, i) => {
    if (step.type === 'branch') step.cases.forEach((c, k) => checkCondition(ctx, c.when, ['steps', i, 'cases', k, 'when'], step.id));
    if (step.type === 'ask' && step.escalate_when) checkCondition(ctx, step.escalate_when.when, ['steps', i, 'escalate_when', 'when'], step.id);
  });
}

function checkCondition(ctx: CheckContext, when: Record<string, unknown>, path: FlowPath, stepId: string): void {
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
  for (const { at, pattern, flags } of regexesOf(when, path)) {
    const why = regexHazard(pattern, flags);
    if (why) ctx.report('error', at, `the regular expression /${pattern}/ could take minutes on some answers and stall the bot: ${why} (a condition regex sees the first ${MAX_REGEX_INPUT} characters)`, stepId);
  }
  for (const field of fieldsOf(when)) {
    const [root, key] = field.split('.', 2);
    if (!CONDITION_ROOTS.includes(root!)) {
      ctx.report('warning', [...path, field], `the condition looks at '${field}'; conditions can only see answers.<key>, lists.<key>, case.<field>, contact.<key>, monitoring.<key>, lang, item.<key> and count`, stepId);
    } else if (isContextRoot(root!) && key !== undefined) {
      const why = unknownContextKey(root!, key);
      if (why !== undefined) ctx.report('warning', [...path, field], `the condition looks at '${field}': ${why}`, stepId);
    } else if ((root === 'answers' || root === 'lists') && key !== undefined) {
      const why = unknownKey(ctx, root, key);
      if (why !== undefined) ctx.report('warning', [...path, field], `the condition looks at '${field}': ${why}`, stepId);
    }
  }
}

/** Every `$regex` in a condition, with the path of its node and the flags of its sibling `$options`. */
function regexesOf(value: unknown, path: FlowPath): { at: FlowPath; pattern: string; flags: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => regexesOf(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  const obj = value as Record<string, unknown>;
  const own = typeof obj.$regex === 'string' ? [{ at: [...path, '$regex'], pattern: obj.$regex, flags: typeof obj.$options === 'string' ? obj.$options : '' }] : [];
  return [...own, ...Object.entries(obj).flatMap(([k, v]) => (k === '$regex' ? [] : regexesOf(v, [...path, k])))];
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

/** Reports answer specs whose bounds or choices cannot work. */
export function checkAnswerSpecs(ctx: CheckContext): void {
  ctx.flow.steps.forEach((step, i) => {
    if (step.type === 'ask') checkAnswerSpec(ctx, step.answer, ['steps', i, 'answer'], step.id);
    if (step.type === 'ask' && step.verify) checkVerify(ctx, step.verify, step.save_as ?? step.id, ['steps', i, 'verify'], step.id);
    if (step.type === 'collect') step.questions.forEach((q, j) => checkAnswerSpec(ctx, q.answer, ['steps', i, 'questions', j, 'answer'], step.id));
  });
}

function checkAnswerSpec(ctx: CheckContext, answer: AnswerSpec, path: FlowPath, stepId: string): void {
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

/** Reports a `verify` that reads a context value no service sets, or saves over the answer it checks. */
function checkVerify(ctx: CheckContext, verify: { against: string; except?: string | undefined; save_as: string }, answerKey: string, path: FlowPath, stepId: string): void {
  for (const field of ['against', 'except'] as const) {
    const [root, key] = (verify[field] ?? '').split('.', 2);
    if (root === undefined || key === undefined || !isContextRoot(root)) continue;
    const why = unknownContextKey(root, key);
    if (why !== undefined) ctx.report('warning', [...path, field], `verify ${field} '${verify[field]}': ${why}`, stepId);
  }
  if (verify.save_as === answerKey) ctx.report('error', [...path, 'save_as'], `verify save_as '${verify.save_as}' is the answer it checks; give the yes/no result its own key`, stepId);
}
