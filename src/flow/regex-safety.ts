/**
 * Which condition regexes may run on patient text. JavaScript's engine backtracks: a pattern such as `^(a+)+$` takes
 * exponential time on "aaaa…b", and one such message stalls the whole process (issue 12). We have no linear-time engine
 * (no new dependency), so the flow checker refuses the pattern shapes that backtrack catastrophically, and the engine
 * shows a condition regex at most MAX_REGEX_INPUT characters, which keeps the remaining polynomial cases small.
 *
 * The analysis is deliberately conservative: it parses the pattern into atoms, groups, alternations and quantifiers and
 * refuses (1) backreferences, (2) a variable quantifier inside a repeated group (`(a+)+`, `(.*a){20}`), and (3) an
 * alternation inside a repeated group whose branches can start with the same character or match nothing (`(a|ab)*`),
 * and (4) three or more open-ended quantifiers in a row over overlapping characters (`.*a.*b.*c`, polynomial: n^4).
 */

/** How many characters of an answer a condition regex sees (the start of the text). */
export const MAX_REGEX_INPUT = 200;

type Range = [number, number];
const MAX_CP = 0x10ffff;
const ANY: Range[] = [[0, MAX_CP]];

type Node =
  | { kind: 'chars'; set: Range[] }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; branches: Node[] }
  | { kind: 'quant'; child: Node; min: number; max: number; text: string }
  | { kind: 'assert'; child?: Node }
  | { kind: 'backref' };

/** Why `pattern` (with `flags`) can backtrack catastrophically on some input, or undefined when it may run on patient text. */
export function regexHazard(pattern: string, flags = ''): string | undefined {
  let tree: Node;
  try {
    tree = new Parser(pattern, flags.includes('v')).parse();
  } catch {
    return 'the pattern could not be analysed; write it more simply';
  }
  const fold = flags.includes('i');
  const hazard = hazardIn(tree, undefined, fold);
  if (hazard) return hazard;
  if (overlappingChain(tree, fold) >= 3) {
    return 'three or more open-ended quantifiers (*, +, {n,}) in a row can match the same characters (e.g. .*a.*b.*); use at most two, or make them match different characters';
  }
  return undefined;
}

/** The longest run of open-ended quantifiers, in pattern order, each able to match a character the previous one can. */
function overlappingChain(tree: Node, fold: boolean): number {
  const sets: Range[][] = [];
  const walk = (node: Node): void => {
    if (node.kind === 'quant' && node.max === Infinity) sets.push(firstChars(node.child, fold));
    if (node.kind === 'seq') node.items.forEach(walk);
    else if (node.kind === 'alt') node.branches.forEach(walk);
    else if (node.kind === 'quant' || (node.kind === 'assert' && node.child)) walk(node.kind === 'quant' ? node.child : node.child!);
  };
  walk(tree);
  let best = sets.length ? 1 : 0;
  let run = 1;
  for (let i = 1; i < sets.length; i++) {
    run = overlaps(sets[i]!, sets[i - 1]!) ? run + 1 : 1;
    best = Math.max(best, run);
  }
  return best;
}

function hazardIn(node: Node, repeat: Extract<Node, { kind: 'quant' }> | undefined, fold: boolean): string | undefined {
  switch (node.kind) {
    case 'backref':
      return 'a backreference (\\1, \\k<name>) can take exponential time; match the text without referring back to a group';
    case 'chars':
      return undefined;
    case 'assert':
      return node.child ? hazardIn(node.child, repeat, fold) : undefined;
    case 'seq':
      for (const item of node.items) {
        const h = hazardIn(item, repeat, fold);
        if (h) return h;
      }
      return undefined;
    case 'alt': {
      if (repeat) {
        const firsts = node.branches.map((b) => firstChars(b, fold));
        for (const [i, b] of node.branches.entries()) {
          if (nullable(b)) return `'${repeat.text}' repeats an alternation with an empty branch; make every branch match at least one character`;
          for (let j = 0; j < i; j++) {
            if (overlaps(firsts[i]!, firsts[j]!)) {
              return `'${repeat.text}' repeats an alternation whose branches can start with the same character (overlapping alternatives backtrack exponentially); make the branches start differently`;
            }
          }
        }
      }
      for (const b of node.branches) {
        const h = hazardIn(b, repeat, fold);
        if (h) return h;
      }
      return undefined;
    }
    case 'quant': {
      const variable = node.min !== node.max;
      if (repeat && variable) {
        return `'${repeat.text}' repeats a part that has its own quantifier (nested quantifiers backtrack exponentially); quantify once, e.g. (a+)+ -> a+`;
      }
      return hazardIn(node.child, node.max > 1 ? node : repeat, fold);
    }
  }
}

function nullable(node: Node): boolean {
  switch (node.kind) {
    case 'chars':
    case 'backref':
      return false;
    case 'assert':
      return true;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'quant':
      return node.min === 0 || nullable(node.child);
  }
}

/** The characters a match of `node` can start with (ranges of code points). */
function firstChars(node: Node, fold: boolean): Range[] {
  switch (node.kind) {
    case 'chars':
      return fold ? foldCase(node.set) : node.set;
    case 'backref':
      return ANY;
    case 'assert':
      return [];
    case 'seq': {
      const out: Range[] = [];
      for (const item of node.items) {
        out.push(...firstChars(item, fold));
        if (!nullable(item)) break;
      }
      return out;
    }
    case 'alt':
      return node.branches.flatMap((b) => firstChars(b, fold));
    case 'quant':
      return firstChars(node.child, fold);
  }
}

function overlaps(a: Range[], b: Range[]): boolean {
  return a.some(([lo, hi]) => b.some(([l, h]) => lo <= h && l <= hi));
}

function foldCase(set: Range[]): Range[] {
  const out = [...set];
  for (const [lo, hi] of set) {
    const up: Range = [Math.max(lo, 65), Math.min(hi, 90)];
    if (up[0] <= up[1]) out.push([up[0] + 32, up[1] + 32]);
    const low: Range = [Math.max(lo, 97), Math.min(hi, 122)];
    if (low[0] <= low[1]) out.push([low[0] - 32, low[1] - 32]);
  }
  return out;
}

function complement(set: Range[]): Range[] {
  const sorted = [...set].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const DIGIT: Range[] = [[48, 57]];
const WORD: Range[] = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: Range[] = [[9, 13], [32, 32], [160, 160], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];
const CLASS_ESCAPES: Record<string, Range[]> = { d: DIGIT, D: complement(DIGIT), w: WORD, W: complement(WORD), s: SPACE, S: complement(SPACE) };
const CONTROL: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };

/** A lenient recursive-descent parser: the pattern already compiled with `new RegExp`, so it is valid syntax. */
class Parser {
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly unicodeSets: boolean,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Error(`unexpected '${this.src[this.i]}'`);
    return node;
  }

  private alternation(): Node {
    const branches = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0]! : { kind: 'alt', branches };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const start = this.i;
      const atom = this.atom();
      items.push(this.quantified(atom, start));
    }
    return { kind: 'seq', items };
  }

  private quantified(atom: Node, start: number): Node {
    const m = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(this.src.slice(this.i));
    if (!m) return atom;
    this.i += m[0].length;
    if (this.src[this.i] === '?') this.i++;
    let min = 0;
    let max = Infinity;
    if (m[0] === '+') min = 1;
    else if (m[0] === '?') max = 1;
    else if (m[1] !== undefined) {
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
    }
    return { kind: 'quant', child: atom, min, max, text: this.src.slice(start, this.i) };
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') return { kind: 'chars', set: this.charClass() };
    if (c === '.') {
      this.i++;
      return { kind: 'chars', set: ANY };
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { kind: 'assert' };
    }
    if (c === '\\') return this.escape();
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { kind: 'chars', set: [[cp, cp]] };
  }

  private group(): Node {
    this.i++; // (
    let assertion = false;
    const head = /^\?(?:<[=!]|[=!]|<[^>]+>|[a-zA-Z-]*:)?/.exec(this.src.slice(this.i));
    if (head && head[0].length > 0) {
      assertion = /^\?<?[=!]/.test(head[0]);
      this.i += head[0].length;
    }
    const child = this.alternation();
    if (this.src[this.i] !== ')') throw new Error('unclosed group');
    this.i++;
    return assertion ? { kind: 'assert', child } : child;
  }

  private escape(): Node {
    const c = this.src[this.i + 1] ?? '';
    if (/[1-9]/.test(c) || (c === 'k' && this.src[this.i + 2] === '<')) {
      this.i += 2;
      return { kind: 'backref' };
    }
    if (c === 'b' || c === 'B') {
      this.i += 2;
      return { kind: 'assert' };
    }
    return { kind: 'chars', set: this.escapedChars() };
  }

  /** The characters of the escape at `this.i` (inside or outside a class); advances past it. */
  private escapedChars(): Range[] {
    const rest = this.src.slice(this.i + 1);
    const c = rest[0] ?? '';
    const one = (cp: number, len: number): Range[] => {
      this.i += 1 + len;
      return [[cp, cp]];
    };
    if (CLASS_ESCAPES[c]) {
      this.i += 2;
      return CLASS_ESCAPES[c]!;
    }
    if (CONTROL[c] !== undefined) return one(CONTROL[c]!, 1);
    let m = /^u\{([0-9a-fA-F]+)\}|^u([0-9a-fA-F]{4})|^x([0-9a-fA-F]{2})/.exec(rest);
    if (m) return one(parseInt(m[1] ?? m[2] ?? m[3]!, 16), m[0].length);
    m = /^[pP]\{[^}]*\}/.exec(rest);
    if (m) {
      this.i += 1 + m[0].length;
      return ANY; // a Unicode property: treated as "anything", which only makes the check stricter
    }
    m = /^c[a-zA-Z]/.exec(rest);
    if (m) return one(m[0].charCodeAt(1) % 32, 2);
    const cp = rest.codePointAt(0) ?? 92;
    return one(cp, cp > 0xffff ? 2 : 1);
  }

  private charClass(): Range[] {
    this.i++; // [
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const set: Range[] = [];
    let depth = 0;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || depth > 0)) {
      if (this.unicodeSets && (this.src[this.i] === '[' || this.src[this.i] === ']')) {
        // v-flag nested classes and set operations: too rich to follow here; "anything" keeps the check strict.
        depth += this.src[this.i] === '[' ? 1 : -1;
        this.i++;
        set.push(...ANY);
        continue;
      }
      const lo = this.classAtom();
      if (this.src[this.i] === '-' && this.src[this.i + 1] !== ']' && lo.length === 1 && lo[0]![0] === lo[0]![1]) {
        this.i++;
        const hi = this.classAtom();
        if (hi.length === 1 && hi[0]![0] === hi[0]![1]) {
          set.push([lo[0]![0], hi[0]![0]]);
          continue;
        }
        set.push(...lo, [45, 45], ...hi);
        continue;
      }
      set.push(...lo);
    }
    if (this.src[this.i] !== ']') throw new Error('unclosed class');
    this.i++;
    return negated ? complement(set) : set;
  }

  private classAtom(): Range[] {
    if (this.src[this.i] === '\\') {
      if (this.src[this.i + 1] === 'b') {
        this.i += 2;
        return [[8, 8]];
      }
      return this.escapedChars();
    }
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return [[cp, cp]];
  }
}
