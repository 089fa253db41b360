import type { AnswerSpec, FlowDefinition } from './definition.js';
import { CONTEXT_KEYS, type ContextRoot } from './context-vars.js';
import { didYouMean, type FlowProblem, type SourcePos } from './problems.js';

/** A path into the flow document, e.g. `['steps', 3, 'next']`. */
export type FlowPath = (string | number)[];
/** Finds the position of the YAML node at `path` (or of its nearest existing parent). */
export type Locate = (path: FlowPath) => SourcePos;

/** What every check reads: the flow, where to report, and the answer and list keys the flow saves. */
export interface CheckContext {
  flow: FlowDefinition;
  report: (severity: FlowProblem['severity'], path: FlowPath, message: string, stepId?: string) => void;
  /** Answer keys saved by ask steps (`save_as`, else the step id), with their answer type. */
  answerTypes: Map<string, AnswerSpec['type']>;
  /** List keys saved by collect steps (`save_as`, else the step id). */
  listKeys: Set<string>;
}

/** Answer keys saved by ask steps, with their answer type. */
export function savedAnswers(flow: FlowDefinition): Map<string, AnswerSpec['type']> {
  const keys = new Map<string, AnswerSpec['type']>();
  for (const step of flow.steps) {
    if (step.type !== 'ask') continue;
    keys.set(step.save_as ?? step.id, step.answer.type);
    if (step.verify) keys.set(step.verify.save_as, 'yes_no');
  }
  return keys;
}

/** List keys saved by collect steps. */
export function savedLists(flow: FlowDefinition): Set<string> {
  return new Set(flow.steps.flatMap((step) => (step.type === 'collect' ? [step.save_as ?? step.id] : [])));
}

/** Why `answers.<key>` or `lists.<key>` names nothing the flow saves, or undefined when it does. */
export function unknownKey(ctx: CheckContext, root: 'answers' | 'lists', key: string): string | undefined {
  if (root === 'answers' && ctx.answerTypes.has(key)) return undefined;
  if (root === 'lists' && ctx.listKeys.has(key)) return undefined;
  if (root === 'answers' && ctx.listKeys.has(key)) return `'${key}' is a list saved by a collect step: use lists.${key}`;
  if (root === 'lists' && ctx.answerTypes.has(key)) return `'${key}' is an answer, not a list: use answers.${key}`;
  const hint = didYouMean(key, root === 'answers' ? ctx.answerTypes.keys() : ctx.listKeys);
  const what = root === 'answers' ? 'answer' : 'list';
  return `no step saves ${what === 'answer' ? 'an' : 'a'} ${what} '${key}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}`;
}

/** Why `<root>.<key>` names no context value a service sets (see `./context-vars.ts`), or undefined when it does. */
export function unknownContextKey(root: ContextRoot, key: string): string | undefined {
  const known = Object.keys(CONTEXT_KEYS[root]);
  if (known.includes(key)) return undefined;
  const hint = didYouMean(key, known);
  return `the service sets no '${root}.${key}'${hint === undefined ? '' : ` (did you mean '${hint}'?)`}; known: ${known.join(', ')}`;
}
