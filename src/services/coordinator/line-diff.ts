/** One line of a diff: kept (' '), removed ('-') or added ('+'), with its 1-based line numbers on either side. */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
  oldLine: number | null;
  newLine: number | null;
}

// Beyond this many cells the LCS table would cost too much memory: the differing middle is shown as replaced.
const MAX_CELLS = 16_000_000;

/** A line diff of two texts by longest common subsequence, after trimming the common head and tail. */
export function lineDiff(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: ' ', text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  out.push(...middle(am, bm, head, head));
  for (let k = tail; k > 0; k--) {
    out.push({ op: ' ', text: a[a.length - k]!, oldLine: a.length - k + 1, newLine: b.length - k + 1 });
  }
  return out;
}

function middle(a: string[], b: string[], aOff: number, bOff: number): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const out: DiffLine[] = [];
  if ((n + 1) * (m + 1) > MAX_CELLS) {
    a.forEach((t, i) => out.push({ op: '-', text: t, oldLine: aOff + i + 1, newLine: null }));
    b.forEach((t, j) => out.push({ op: '+', text: t, oldLine: null, newLine: bOff + j + 1 }));
    return out;
  }
  // lcs[i][j] = LCS length of a[i..] and b[j..], flattened.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]!, oldLine: aOff + i + 1, newLine: bOff + j + 1 });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
      // Removals before additions, as people read a change.
      out.push({ op: '-', text: a[i]!, oldLine: aOff + i + 1, newLine: null });
      i++;
    } else {
      out.push({ op: '+', text: b[j]!, oldLine: null, newLine: bOff + j + 1 });
      j++;
    }
  }
  return out;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
