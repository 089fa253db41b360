import { isDeepStrictEqual } from 'node:util';
import type { FlowDefinition } from './definition.js';
import { step } from './engine.js';
import { INPUT_KEYS, toInput, type Entry } from './transcript-entries.js';
import type { Clock, ConversationState, EngineEvent, EngineInput, Item } from './types.js';

/** One place where the conversation did not go as written. `entry` is the 0-based index in `script`, -1 for the file. */
export interface TranscriptFailure {
  file: string;
  entry: number;
  line: number;
  expected: string;
  got: string;
}

/** Where the script comes from and the conversation it starts from. */
export interface PlayContext {
  file: string;
  lineOf: (i: number) => number;
  clock: Clock;
  state: ConversationState;
  defaultCountry: string;
}

/** Plays the entries against the flow; the first failure, or none. */
export function playTranscript(flow: FlowDefinition, entries: Entry[], ctx: PlayContext): TranscriptFailure[] {
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
