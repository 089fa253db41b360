import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { clockAtLocal } from '../../src/flow/clock.js';
import { FlowDefinition, type FlowInput } from '../../src/flow/definition.js';
import { initialState, step } from '../../src/flow/engine.js';
import type { Clock, ConversationState, EngineEvent, EngineInput } from '../../src/flow/types.js';

/** Wednesday 25 November 2026, 10:00 in Jakarta: the clock of every engine test unless a test says otherwise. */
export const CLOCK: Clock = clockAtLocal('2026-11-25', '10:00', 'Asia/Jakarta');

export const DEFAULT_FLOW_FILE = fileURLToPath(new URL('../../flows/case-interview.yaml', import.meta.url));

/** The default interview, parsed with the schema only (the loader's graph checks have their own tests). */
export function defaultFlow(): FlowDefinition {
  return FlowDefinition.parse(parse(readFileSync(DEFAULT_FLOW_FILE, 'utf8')));
}

/** A flow from a literal, with defaults filled in by the schema. */
export function flowOf(input: Omit<FlowInput, 'spec' | 'id' | 'name'> & Partial<Pick<FlowInput, 'id' | 'name'>>): FlowDefinition {
  return FlowDefinition.parse({ spec: 1, id: 'test-flow', name: { id: 'Uji', en: 'Test' }, ...input });
}

/** Shorthand for a typed message. */
export const text = (t: string): EngineInput => ({ kind: 'text', text: t });

export interface Played {
  state: ConversationState;
  /** Events of the last input only. */
  last: EngineEvent[];
  /** Events of every input, in order. */
  all: EngineEvent[];
}

/** Plays inputs (strings are typed text) from `state` (default: a fresh conversation, started first). */
export function play(
  flow: FlowDefinition,
  inputs: (EngineInput | string)[],
  opts: { state?: ConversationState; clock?: Clock; lang?: 'id' | 'en'; case?: Record<string, string | number | null> } = {},
): Played {
  let state =
    opts.state ?? initialState(flow, { ...(opts.lang ? { lang: opts.lang } : {}), ...(opts.case ? { case: opts.case } : {}) });
  const all: EngineEvent[] = [];
  let last: EngineEvent[] = [];
  const list = opts.state ? inputs : [{ kind: 'start' } as EngineInput, ...inputs];
  for (const i of list) {
    const r = step(flow, state, typeof i === 'string' ? text(i) : i, opts.clock ?? CLOCK);
    state = r.state;
    last = r.events;
    all.push(...r.events);
  }
  return { state, last, all };
}

type Message = Extract<EngineEvent, { type: 'message' }>;

/** The message events among `events`. */
export function messages(events: readonly EngineEvent[]): Message[] {
  return events.filter((e): e is Message => e.type === 'message');
}

/** The texts of the message events among `events`. */
export function texts(events: readonly EngineEvent[]): string[] {
  return messages(events).map((m) => m.text);
}

/** The events of one type. */
export function ofType<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}
