import { checkAnswerSpecs, checkConditions, checkLanguages, checkTexts } from './check-content.js';
import { savedAnswers, savedLists, type CheckContext, type FlowPath, type Locate } from './check-context.js';
import { checkGraph, checkStepIds, checkTargets } from './check-graph.js';
import type { FlowDefinition } from './definition.js';
import { sortProblems, type FlowProblem } from './problems.js';

export type { FlowPath, Locate };

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
  const ctx: CheckContext = { flow, report, answerTypes: savedAnswers(flow), listKeys: savedLists(flow) };

  checkLanguages(ctx);
  const firstIndex = checkStepIds(ctx);
  const targetsKnown = checkTargets(ctx, firstIndex);
  checkGraph(ctx, firstIndex, targetsKnown);
  checkTexts(ctx);
  checkConditions(ctx);
  checkAnswerSpecs(ctx);
  return sortProblems(problems);
}
