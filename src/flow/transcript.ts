/**
 * Transcript tests: a coordinator writes a conversation as it should go, and `runTranscriptFile` plays it against a
 * flow and reports the first place where the bot does something else. Format (`flows/tests/*.yaml`):
 *
 * ```yaml
 * name: Consent to completion in English        # optional, defaults to the file name
 * flow: ../case-interview.yaml                 # relative to this file
 * lang: en                                     # optional, the conversation's starting language
 * today: 2026-11-25                            # the clock: this date at `time` (default 10:00) in the flow's timezone
 * case: { name: Budi Santoso, date_of_birth: 1990-03-14 }
 * script:
 *   - bot: Hello Budi                          # a bot message of this turn contains this (any case), searching
 *                                              #   from the message the previous `bot` matched onwards
 *   - bot: /willing|bersedia/i                 # ...or matches this regular expression
 *   - choices: [yes, no]                       # the last matched bot message offers these choice values
 *   - patient: "yes"                           # the patient types this (inputs: patient, button, media,
 *                                              #   share_contacts, location, reminder, resume, start)
 *   - saved: { consent: true }                 # answers saved so far
 *   - contact: { name: Siti, phone: "+6281234567890" }   # a collected contact has these fields
 *   - contacts: 2                              # number of contacts collected
 *   - list: { key: places, count: 1 }          # any collect list
 *   - escalated: risky_answer                  # this turn escalated (or { reason, priority, detail })
 *   - error: flow:step_cap                     # this turn reported this engine error code
 *   - silent: true                             # this turn sent no message
 *   - completed: true / stopped: true / status: handed_off / lang: en
 * ```
 * The script starts with the bot's opening (a `start` input) unless its first entry is an input. A turn that reports
 * an engine `error` fails the transcript unless the next entry is an `error:` assertion.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { clockAtLocal } from './clock.js';
import { Lang, type FlowDefinition } from './definition.js';
import { initialState, step } from './engine.js';
import { loadFlowFile, type LoadResult } from './load.js';
import { didYouMean, formatProblem } from './problems.js';
import type { Clock, ConversationState, EngineEvent, EngineInput, Item } from './types.js';

/** One place where the conversation did not go as written. `entry` is the 0-based index in `script`, -1 for the file. */
export interface TranscriptFailure {
  file: string;
  entry: number;
  line: number;
  expected: string;
  got: string;
}

export interface TranscriptResult {
  file: string;
  name: string;
  passed: boolean;
  failures: TranscriptFailure[];
}

/** `file:line: entry N: expected ..., got ...` — one failure as an editor-friendly line (plus the detail after it). */
export function formatTranscriptFailure(f: TranscriptFailure): string {
  const where = f.entry >= 0 ? ` entry ${f.entry + 1}:` : '';
  return `${f.file}:${f.line}:${where} expected ${f.expected}\n  got ${f.got.split('\n').join('\n      ')}`;
}

const TextLike = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Fields = z.record(z.string(), z.unknown());

const ENTRY_SCHEMAS = {
  start: z.literal(true),
  patient: TextLike,
  button: TextLike,
  media: z.string().min(1),
  share_contacts: z.array(z.object({ name: z.string(), phone: TextLike }).strict()).min(1),
  location: z.object({ latitude: z.number(), longitude: z.number() }).strict(),
  reminder: z.literal(true),
  resume: z.union([z.literal(true), z.string().min(1)]),
  bot: z.string().min(1),
  choices: z.array(TextLike),
  silent: z.literal(true),
  saved: Fields,
  contact: Fields,
  contacts: z.number().int().min(0),
  list: z.object({ key: z.string(), count: z.number().int().min(0).optional(), item: Fields.optional() }).strict(),
  escalated: z.union([
    z.string().min(1),
    z.object({ reason: z.string().min(1), priority: z.enum(['normal', 'high', 'urgent']).optional(), detail: z.string().optional() }).strict(),
  ]),
  error: z.string().min(1),
  completed: z.literal(true),
  stopped: z.literal(true),
  status: z.enum(['new', 'active', 'handed_off', 'completed', 'stopped']),
  lang: Lang,
} as const;
type EntryKey = keyof typeof ENTRY_SCHEMAS;
type Entry = { [K in EntryKey]: { key: K; value: z.output<(typeof ENTRY_SCHEMAS)[K]> } }[EntryKey];
const INPUT_KEYS = new Set<EntryKey>(['start', 'patient', 'button', 'media', 'share_contacts', 'location', 'reminder', 'resume']);

const Header = z
  .object({
    name: z.string().optional(),
    flow: z.string().min(1),
    lang: Lang.optional(),
    today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
    time: z.string().regex(/^\d{1,2}:\d{2}$/, 'a time HH:MM').default('10:00'),
    case: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
    default_country: z.string().length(2).default('ID'),
    script: z.array(z.unknown()).min(1),
  })
  .strict();

/** How to load the flow a transcript names (the loader by default; tests may pass a cache). */
export interface TranscriptOptions {
  loadFlow?: (path: string) => LoadResult;
}

/** Plays the transcript file at `path` against its flow; never throws (unreadable files and bad entries are failures). */
export function runTranscriptFile(path: string, opts: TranscriptOptions = {}): TranscriptResult {
  const fileFailure = (line: number, expected: string, got: string): TranscriptResult => ({
    file: path,
    name: path,
    passed: false,
    failures: [{ file: path, entry: -1, line, expected, got }],
  });
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    return fileFailure(1, 'a readable transcript file', e instanceof Error ? e.message : String(e));
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    return fileFailure(lineCounter.linePos(e.pos[0]).line, 'valid YAML', e.message);
  }
  const header = Header.safeParse(doc.toJS());
  if (!header.success) {
    const issue = header.error.issues[0]!;
    return fileFailure(1, `a transcript (name, flow, lang, today, case, script): ${issue.path.join('.') || 'file'}`, issue.message);
  }
  const t = header.data;
  const scriptNode = doc.get('script');
  const lineOf = (i: number): number => {
    const node = isSeq(scriptNode) ? (scriptNode.items[i] as { range?: [number, number, number] } | undefined) : undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  };

  const entries: Entry[] = [];
  for (const [i, raw] of t.script.entries()) {
    const parsed = parseEntry(raw);
    if (typeof parsed === 'string') {
      return { ...fileFailure(lineOf(i), 'a script entry such as `patient: "ya"` or `bot: "text"`', parsed), name: t.name ?? path };
    }
    entries.push(parsed);
  }

  const flowPath = resolve(dirname(path), t.flow);
  const loaded = (opts.loadFlow ?? loadFlowFile)(flowPath);
  if (!loaded.ok) {
    return { ...fileFailure(1, `a flow that loads (${t.flow})`, loaded.problems.map(formatProblem).join('\n')), name: t.name ?? path };
  }
  let clock: Clock;
  try {
    clock = clockAtLocal(t.today, t.time, loaded.flow.settings.timezone);
  } catch (e) {
    return fileFailure(1, 'a valid today/time', e instanceof Error ? e.message : String(e));
  }
  const failures = play(loaded.flow, entries, {
    file: path,
    lineOf,
    clock,
    state: initialState(loaded.flow, { ...(t.lang ? { lang: t.lang } : {}), case: t.case }),
    defaultCountry: t.default_country,
  });
  return { file: path, name: t.name ?? path, passed: failures.length === 0, failures };
}

function parseEntry(raw: unknown): Entry | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `${JSON.stringify(raw)}: each entry is one "key: value" pair`;
  const keys = Object.keys(raw);
  if (keys.length !== 1) return `an entry with ${keys.length} keys (${keys.join(', ')}); write each on its own "- " line`;
  const key = keys[0]!;
  if (!(key in ENTRY_SCHEMAS)) {
    const hint = didYouMean(key, Object.keys(ENTRY_SCHEMAS));
    return `unknown entry "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`;
  }
  const schema = ENTRY_SCHEMAS[key as EntryKey] as z.ZodType;
  const r = schema.safeParse((raw as Record<string, unknown>)[key]);
  if (!r.success) return `${key}: ${r.error.issues[0]?.message ?? 'invalid value'}`;
  return { key, value: r.data } as Entry;
}

interface PlayContext {
  file: string;
  lineOf: (i: number) => number;
  clock: Clock;
  state: ConversationState;
  defaultCountry: string;
}

function play(flow: FlowDefinition, entries: Entry[], ctx: PlayContext): TranscriptFailure[] {
  let state = ctx.state;
  let turn: EngineEvent[] = [];
  let cursor = 0;
  let lastMatched: Extract<EngineEvent, { type: 'message' }> | undefined;
  const collected: { key: string; kind: string; item: Item }[] = [];

  const send = (input: EngineInput): void => {
    const r = step(flow, state, input, ctx.clock, { defaultCountry: ctx.defaultCountry });
    state = r.state;
    turn = r.events;
    cursor = 0;
    lastMatched = undefined;
    for (const e of r.events) if (e.type === 'item_collected') collected.push({ key: e.key, kind: e.kind, item: e.item });
  };
  const messages = (): Extract<EngineEvent, { type: 'message' }>[] =>
    turn.filter((e): e is Extract<EngineEvent, { type: 'message' }> => e.type === 'message');
  const fail = (i: number, expected: string, got: string): TranscriptFailure[] => [
    { file: ctx.file, entry: i, line: ctx.lineOf(i), expected, got },
  ];
  const unexpectedError = (i: number): TranscriptFailure[] | undefined => {
    const err = turn.find((e): e is Extract<EngineEvent, { type: 'error' }> => e.type === 'error');
    if (!err || entries[i + 1]?.key === 'error') return undefined;
    return fail(i, 'no engine error', `${err.code}: ${err.message}`);
  };

  if (entries[0] && !INPUT_KEYS.has(entries[0].key)) send({ kind: 'start' });

  for (const [i, entry] of entries.entries()) {
    const input = toInput(entry);
    if (input) {
      send(input);
      const bad = unexpectedError(i);
      if (bad) return bad;
      continue;
    }
    switch (entry.key) {
      case 'bot': {
        const all = messages();
        const match = matcher(entry.value);
        const found = all.findIndex((m, idx) => idx >= cursor && match(m.text));
        if (found === -1) {
          const rest = all.slice(cursor);
          return fail(i, `a bot message ${describeMatch(entry.value)}`, rest.length ? rest.map((m) => `"${m.text}"`).join('\n') : '(no bot message in this turn from here on)');
        }
        lastMatched = all[found];
        // The next `bot` may check another part of the same message, or a later one; never an earlier one.
        cursor = found;
        break;
      }
      case 'choices': {
        const got = (lastMatched ?? messages().at(-1))?.choices?.map((c) => c.value) ?? [];
        if (!isDeepStrictEqual(got, entry.value)) return fail(i, `choices ${JSON.stringify(entry.value)}`, JSON.stringify(got));
        break;
      }
      case 'silent':
        if (messages().length > 0) return fail(i, 'no bot message', messages().map((m) => `"${m.text}"`).join('\n'));
        break;
      case 'saved':
        for (const [key, want] of Object.entries(entry.value)) {
          const got = state.answers[key];
          if (!isDeepStrictEqual(got, want)) return fail(i, `answer ${key} = ${JSON.stringify(want)}`, got === undefined ? '(not saved)' : JSON.stringify(got));
        }
        break;
      case 'contact': {
        const contacts = collected.filter((c) => c.kind === 'contact').map((c) => c.item);
        if (!contacts.some((c) => hasFields(c, entry.value))) {
          return fail(i, `a collected contact with ${JSON.stringify(entry.value)}`, contacts.length ? contacts.map((c) => JSON.stringify(c)).join('\n') : '(no contacts)');
        }
        break;
      }
      case 'contacts': {
        const n = collected.filter((c) => c.kind === 'contact').length;
        if (n !== entry.value) return fail(i, `${entry.value} contacts`, String(n));
        break;
      }
      case 'list': {
        const items = state.lists[entry.value.key] ?? [];
        if (entry.value.count !== undefined && items.length !== entry.value.count) return fail(i, `${entry.value.count} items in ${entry.value.key}`, String(items.length));
        const want = entry.value.item;
        if (want && !items.some((it) => hasFields(it, want))) return fail(i, `an item of ${entry.value.key} with ${JSON.stringify(want)}`, JSON.stringify(items));
        break;
      }
      case 'escalated': {
        const want = typeof entry.value === 'string' ? { reason: entry.value } : entry.value;
        const got = turn.filter((e): e is Extract<EngineEvent, { type: 'escalated' }> => e.type === 'escalated');
        if (!got.some((e) => hasFields(e as unknown as Item, want))) {
          return fail(i, `an escalation ${JSON.stringify(want)} in this turn`, got.length ? got.map((e) => JSON.stringify(e)).join('\n') : '(no escalation)');
        }
        break;
      }
      case 'error': {
        const codes = turn.flatMap((e) => (e.type === 'error' ? [e.code] : []));
        if (!codes.includes(entry.value)) return fail(i, `engine error ${entry.value} in this turn`, codes.join(', ') || '(no error)');
        break;
      }
      case 'completed':
      case 'stopped':
        if (state.status !== entry.key) return fail(i, `status ${entry.key}`, state.status);
        break;
      case 'status':
        if (state.status !== entry.value) return fail(i, `status ${entry.value}`, state.status);
        break;
      case 'lang':
        if (state.lang !== entry.value) return fail(i, `language ${entry.value}`, state.lang);
        break;
    }
  }
  return [];
}

function toInput(entry: Entry): EngineInput | undefined {
  switch (entry.key) {
    case 'start':
      return { kind: 'start' };
    case 'patient':
      return { kind: 'text', text: entry.value };
    case 'button':
      return { kind: 'choice', value: entry.value };
    case 'media':
      return { kind: 'media', media: entry.value };
    case 'share_contacts':
      return { kind: 'contacts', contacts: entry.value };
    case 'location':
      return { kind: 'location', ...entry.value };
    case 'reminder':
      return { kind: 'reminder' };
    case 'resume':
      return entry.value === true ? { kind: 'resume' } : { kind: 'resume', stepId: entry.value };
    default:
      return undefined;
  }
}

const REGEX = /^\/(.+)\/([a-z]*)$/s;

/** `/re/flags` is a regular expression; anything else a case-insensitive substring, spaces collapsed. */
function matcher(pattern: string): (text: string) => boolean {
  const re = REGEX.exec(pattern);
  if (re) {
    try {
      const r = new RegExp(re[1]!, re[2]);
      return (text) => r.test(text);
    } catch {
      // Not a valid regular expression: compare it as text.
    }
  }
  const want = squash(pattern);
  return (text) => squash(text).includes(want);
}

function squash(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

function describeMatch(pattern: string): string {
  return REGEX.test(pattern) ? `matching ${pattern}` : `containing "${pattern}"`;
}

function hasFields(obj: Record<string, unknown>, want: Record<string, unknown>): boolean {
  return Object.entries(want).every(([k, v]) => isDeepStrictEqual(obj[k], v));
}
