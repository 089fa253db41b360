import type { AnswerSpec, CollectStep, FlowDefinition, Question, Step } from './definition.js';

/** What the engine looks up on every turn, derived once per flow object. */
export interface FlowIndex {
  byId: ReadonlyMap<string, Step>;
  /** The step after each step: its `next`, else the following step in the file; null after the last one. */
  following: ReadonlyMap<string, string | null>;
  /** `flow.start`, else the first step. */
  startId: string;
  /** The spec behind each answer key (`save_as ?? id` of ask steps). */
  answerSpecs: ReadonlyMap<string, AnswerSpec>;
  /** The questions of the collect step behind each list key (`save_as ?? id`). */
  listQuestions: ReadonlyMap<string, readonly Question[]>;
}

const cache = new WeakMap<FlowDefinition, FlowIndex>();

/** The index of `flow`, computed on first use and cached by object identity (a flow object must not be mutated). */
export function indexFlow(flow: FlowDefinition): FlowIndex {
  let ix = cache.get(flow);
  if (!ix) {
    ix = buildIndex(flow);
    cache.set(flow, ix);
  }
  return ix;
}

function buildIndex(flow: FlowDefinition): FlowIndex {
  const byId = new Map<string, Step>();
  const following = new Map<string, string | null>();
  const answerSpecs = new Map<string, AnswerSpec>();
  const listQuestions = new Map<string, readonly Question[]>();
  flow.steps.forEach((s, i) => {
    // The first of two steps with one id wins; the loader reports the duplicate.
    if (byId.has(s.id)) return;
    byId.set(s.id, s);
    const inFile = flow.steps[i + 1]?.id ?? null;
    following.set(s.id, 'next' in s && s.next !== undefined ? s.next : inFile);
    if (s.type === 'ask') answerSpecs.set(s.save_as ?? s.id, s.answer);
    if (s.type === 'ask' && s.verify) answerSpecs.set(s.verify.save_as, { type: 'yes_no' });
    if (s.type === 'collect' && !listQuestions.has(listKey(s))) listQuestions.set(listKey(s), s.questions);
  });
  const startId = flow.start ?? flow.steps[0]?.id ?? '';
  return { byId, following, startId, answerSpecs, listQuestions };
}

/** The key a collect step keeps its items under. */
export function listKey(step: CollectStep): string {
  return step.save_as ?? step.id;
}
