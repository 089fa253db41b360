/**
 * A problem found in a flow file, pointing at the YAML node a coordinator has to change. Lines and columns are 1-based,
 * as editors show them.
 */
export interface FlowProblem {
  file: string;
  line: number;
  col: number;
  stepId?: string;
  message: string;
  severity: 'error' | 'warning';
}

/** A position in a flow file (1-based line and column). */
export interface SourcePos {
  line: number;
  col: number;
}

/** `file:line:col: message (step <id>)`, with `warning: ` before the message of a warning — the form editors link. */
export function formatProblem(p: FlowProblem): string {
  const kind = p.severity === 'warning' ? 'warning: ' : '';
  const step = p.stepId === undefined ? '' : ` (step ${p.stepId})`;
  return `${p.file}:${p.line}:${p.col}: ${kind}${p.message}${step}`;
}

/** Problems in file order (line, then column), errors before warnings on the same spot; returns a new array. */
export function sortProblems(problems: readonly FlowProblem[]): FlowProblem[] {
  return [...problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

/** True when at least one problem is an error (warnings alone do not stop a flow from loading). */
export function hasErrors(problems: readonly FlowProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** The closest of `candidates` to `word` by edit distance, or undefined when none is close enough to be a typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // A third of the word (at least 1, at most 3 edits): "nxt" -> "next", but "foo" does not become "end".
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** Edit distance counting a swap of two neighbouring letters as one edit ("dnoe" -> "done"), as typos usually are. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
