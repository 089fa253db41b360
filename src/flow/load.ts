import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { checkFlow, type FlowPath, type Locate } from './check.js';
import { FlowDefinition, LocalizedText } from './definition.js';

const LOCALIZED_KEYS = Object.keys(LocalizedText.shape).sort().join();
import { didYouMean, hasErrors, sortProblems, type FlowProblem, type SourcePos } from './problems.js';

/** A loaded flow with its warnings, or every problem that stops it from loading. */
export type LoadResult =
  | { ok: true; flow: FlowDefinition; source: string; warnings: FlowProblem[] }
  | { ok: false; problems: FlowProblem[] };

/** Parse YAML text, validate against FlowDefinition (src/flow/definition.ts) and run graph checks; never throws. */
export function loadFlowSource(source: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (offset: number): SourcePos => lineCounter.linePos(offset);
  const problem = (at: SourcePos, message: string, severity: FlowProblem['severity'] = 'error', stepId?: string): FlowProblem => ({
    file,
    ...at,
    ...(stepId === undefined ? {} : { stepId }),
    message,
    severity,
  });

  const yamlWarnings = doc.warnings.map((w) => problem(pos(w.pos[0]), w.message, 'warning'));
  if (doc.errors.length > 0) {
    // One syntax error usually makes the parser misread the rest of the file; the first is the one to fix.
    const first = doc.errors[0]!;
    const more = doc.errors.length - 1;
    const after = more > 0 ? ` (${more} more YAML error${more === 1 ? '' : 's'} after this one may go away once it is fixed)` : '';
    const at = pos(first.pos[0]);
    return { ok: false, problems: sortProblems([problem(at, yamlErrorMessage(first, source, at.line) + after), ...yamlWarnings]) };
  }

  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    // toJS throws for an alias to an anchor that does not exist, or an alias bomb.
    return { ok: false, problems: [problem({ line: 1, col: 1 }, `the YAML cannot be read: ${err instanceof Error ? err.message : String(err)}`)] };
  }

  const locate: Locate = (path) => nodePos(doc, path, pos);
  const parsed = FlowDefinition.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => issueProblems(issue, data, doc, pos, file));
    return { ok: false, problems: sortProblems([...problems, ...yamlWarnings]) };
  }

  const checked = checkFlow(parsed.data, locate, file);
  const all = sortProblems([...checked, ...yamlWarnings]);
  if (hasErrors(all)) return { ok: false, problems: all };
  return { ok: true, flow: parsed.data, source, warnings: all };
}

/** Read and load a file (an unreadable file is a problem, not a throw). */
export function loadFlowFile(path: string): LoadResult {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'this is a folder, not a file' : `cannot read the file (${code ?? String(err)})`;
    return { ok: false, problems: [{ file: path, line: 1, col: 1, message: why, severity: 'error' }] };
  }
  return loadFlowSource(source, path);
}

function yamlErrorMessage(e: YAMLError, source: string, line: number): string {
  // `{ en: Hello {{case.name}} }` is the classic trap: inside { } an unquoted `{{` opens another block.
  if (source.split('\n')[line - 1]?.includes('{{')) {
    return `YAML syntax error: ${e.message}; a text containing {{...}} must be quoted, e.g. en: "Hello {{case.name}}"`;
  }
  switch (e.code) {
    case 'DUPLICATE_KEY':
      return `'${/^[^:\s]*/.exec(source.slice(e.pos[0]))?.[0] ?? ''}' appears twice here; each field may be given only once`;
    case 'MULTIPLE_DOCS':
      return `a flow file holds a single flow: remove the '---' line and what follows, or move it to its own file`;
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML; indent with spaces';
    default:
      return `YAML syntax error: ${e.message}`;
  }
}

type YamlNode = { range?: [number, number, number] | null };

/** The position of the node at `path`, or of its nearest existing parent (a missing field points at its owner). */
function nodePos(doc: Document, path: FlowPath, pos: (offset: number) => SourcePos, key = false): SourcePos {
  let node: unknown = doc.contents;
  let best: SourcePos = { line: 1, col: 1 };
  const remember = (n: unknown): void => {
    const range = (n as YamlNode | null)?.range;
    if (range) best = pos(range[0]);
  };
  remember(node);
  for (const [i, seg] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      // For an unknown field, point at its name rather than at its value.
      if (key && i === path.length - 1) {
        remember(pair.key);
        break;
      }
      // A block under a field (`text:` then indented lines) is best shown on the field's own line.
      node = pair.value ?? pair.key;
      if (i === path.length - 1 && (isMap(node) || isSeq(node)) && !node.flow) {
        remember(pair.key);
        break;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      if (node === undefined) break;
    } else {
      break;
    }
    remember(node);
  }
  return best;
}

// --- turning zod issues into messages a coordinator can act on ---------------------------------------------------

type Issue = z.core.$ZodIssue;

function issueProblems(issue: Issue, data: unknown, doc: Document, pos: (offset: number) => SourcePos, file: string): FlowProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const stepId = stepIdAt(data, path);
  const where = questionPrefix(data, path);
  const make = (at: SourcePos, message: string): FlowProblem => ({
    file,
    ...at,
    ...(stepId === undefined ? {} : { stepId }),
    message: where + message,
    severity: 'error',
  });

  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(data, path);
    return issue.keys.map((k) => {
      const hint = didYouMean(k, allowed);
      const advice = hint !== undefined ? ` (did you mean '${hint}'?)` : allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : '';
      return make(nodePos(doc, [...path, k], pos, true), `unknown field '${k}'${advice}`);
    });
  }
  return [make(nodePos(doc, path, pos), issueMessage(issue, path, data))];
}

function issueMessage(issue: Issue, path: FlowPath, data: unknown): string {
  const value = valueAt(data, path);
  const field = fieldName(path);
  switch (issue.code) {
    case 'invalid_union': {
      if (!('discriminator' in issue) || typeof issue.discriminator !== 'string') break;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      const kind = path.length === 3 && path[0] === 'steps' ? 'step type' : path.at(-2) === 'answer' ? 'answer type' : `'${issue.discriminator}'`;
      if (value === undefined) return `missing '${issue.discriminator}'; use one of ${options.join(', ')}`;
      return `unknown ${kind} '${String(value)}'; use one of ${options.join(', ')}`;
    }
    case 'invalid_type':
      if (path.length === 0) {
        return value === null || value === undefined
          ? 'the file is empty; a flow needs at least spec, id, name and steps'
          : `the file should hold one flow (a block with spec, id, name and steps), not ${describe(value)}`;
      }
      if (value === undefined) return `missing '${field}'${schemaIsLocalizedText(data, path) ? ` (a text per language, e.g. ${field}: { id: ..., en: ... })` : ''}`;
      if (schemaIsLocalizedText(data, path)) return `'${field}' needs a text per language, e.g. ${field}: { id: ..., en: ... }`;
      return `'${field}' should be ${expectedName(issue.expected)}, not ${describe(value)}`;
    case 'invalid_format':
      return `'${field}' is ${describe(value)}: ${issue.message}`;
    case 'invalid_value':
      return `'${field}' must be ${issue.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(' or ')}, not ${describe(value)}`;
    case 'too_small':
      if (issue.origin === 'array') return `'${field}' needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `'${field}' must not be empty`;
      return `'${field}' must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `'${field}' may have at most ${String(issue.maximum)} items`;
      if (issue.origin === 'string') return `'${field}' must be at most ${String(issue.maximum)} characters`;
      return `'${field}' must be at most ${String(issue.maximum)}`;
    default:
      break;
  }
  return path.length > 0 ? `'${field}': ${issue.message}` : issue.message;
}

function fieldName(path: FlowPath): string {
  const last = path.at(-1);
  if (last === undefined) return 'the flow';
  if (typeof last === 'number') return `${String(path.at(-2) ?? '')}[${last}]`;
  return last;
}

function expectedName(expected: string): string {
  const names: Record<string, string> = { string: 'a text', number: 'a number', boolean: 'true or false', object: 'a block of fields', array: 'a list', record: 'a block of fields' };
  return names[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a block of fields';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

function valueAt(data: unknown, path: FlowPath): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function stepIdAt(data: unknown, path: FlowPath): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  const id = valueAt(data, ['steps', path[1], 'id']);
  return typeof id === 'string' ? id : undefined;
}

function questionPrefix(data: unknown, path: FlowPath): string {
  const at = path.indexOf('questions');
  if (at < 0 || typeof path[at + 1] !== 'number' || path.length <= at + 2) return '';
  const id = valueAt(data, [...path.slice(0, at + 2), 'id']);
  return typeof id === 'string' ? `question '${id}': ` : `question ${Number(path[at + 1]) + 1}: `;
}

// --- walking the zod schema along a data path, to know which fields are allowed where ----------------------------

// Reads zod's own schema description (`_zod.def`): internal shape, not external data, so a narrow view is enough.
interface DefView {
  type: string;
  innerType?: SchemaView;
  in?: SchemaView;
  shape?: Record<string, SchemaView>;
  element?: SchemaView;
  valueType?: SchemaView;
  options?: SchemaView[];
  discriminator?: string;
  values?: unknown[];
}
interface SchemaView {
  _zod: { def: DefView };
}

function unwrap(schema: SchemaView): SchemaView {
  let s = schema;
  for (;;) {
    const def = s._zod.def;
    if (def.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

function pickOption(schema: SchemaView, data: unknown): SchemaView | undefined {
  const def = schema._zod.def;
  if (def.type !== 'union' || !def.options) return schema;
  const disc = def.discriminator;
  if (disc === undefined) return undefined;
  const value = valueAt(data, [disc]);
  return def.options.find((o) => unwrap(o)._zod.def.shape?.[disc]?._zod.def.values?.includes(value));
}

function schemaAt(data: unknown, path: FlowPath): SchemaView | undefined {
  let s: SchemaView | undefined = FlowDefinition as unknown as SchemaView;
  let d = data;
  for (const seg of path) {
    s = pickOption(unwrap(s), d);
    if (!s) return undefined;
    const def: DefView = s._zod.def;
    if (def.type === 'object') s = def.shape?.[String(seg)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    if (!s) return undefined;
    d = valueAt(d, [seg]);
  }
  return pickOption(unwrap(s), d);
}

function allowedKeys(data: unknown, path: FlowPath): string[] {
  const s = schemaAt(data, path);
  return s?._zod.def.type === 'object' ? Object.keys(s._zod.def.shape ?? {}) : [];
}

function schemaIsLocalizedText(data: unknown, path: FlowPath): boolean {
  // Compared by shape, since `.describe()` on a field makes a copy of the LocalizedText schema.
  const shape = schemaAt(data, path)?._zod.def.shape;
  return shape !== undefined && Object.keys(shape).sort().join() === LOCALIZED_KEYS;
}
