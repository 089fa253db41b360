import type { FlowDefinition, Step } from './definition.js';
import { didYouMean } from './problems.js';
import type { CheckContext, FlowPath } from './check-context.js';

// Graph checks: step ids, jump targets, reachability, loops with no way out, falling off the end.

/** Reports duplicate step ids and duplicate question ids; returns each step id's first index. */
export function checkStepIds({ flow, report }: CheckContext): Map<string, number> {
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
export function checkTargets({ flow, report }: CheckContext, firstIndex: Map<string, number>): boolean {
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

/** Reports steps nobody reaches, loops with no way out and falling off the end of the steps. */
export function checkGraph({ flow, report }: CheckContext, firstIndex: Map<string, number>, targetsKnown: boolean): void {
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
