import { randomBytes } from 'node:crypto';
import type { FlowDefinition, Lang } from '../../../flow/definition.js';
import { localDate } from '../../../flow/answers/index.js';
import { sampleContext } from '../../../flow/context-vars.js';
import { initialState, step } from '../../../flow/engine.js';
import type { AnswerValue, ConversationState, EngineEvent, EngineInput, OutChoice } from '../../../flow/types.js';

/** One line of a simulated chat: what the "patient" typed, what the bot said, or a note about an event. */
export interface SimLine {
  from: 'patient' | 'bot' | 'note';
  text: string;
  choices?: OutChoice[];
  /** For notes: which event. */
  kind?: SimNoteKind;
}

/** The engine events a simulated chat shows as notes. */
export type SimNoteKind = 'saved' | 'collected' | 'invalid' | 'escalated' | 'completed' | 'opted_out' | 'language' | 'error';

/** A simulated conversation held in this process's memory: never written to the database, never sent anywhere. */
export interface Simulation {
  id: string;
  userId: number;
  flowId: string;
  /** What was simulated: `editor` (the text in the editor when it started) or a version number. */
  source: 'editor' | number;
  flow: FlowDefinition;
  state: ConversationState;
  lines: SimLine[];
  lastAt: number;
}

const MAX_SIMS = 500;
const MAX_LINES = 400;
const TTL_MS = 4 * 3_600_000;
/** The case fields a simulated patient has, as the pipeline passes a real case's (`case.*` in templates). */
const SIM_CASE = { id: 'SIM-1', name: 'Pasien Simulasi', first_name: 'Pasien', area: 'Simulasi', test_date: null } as const;

/**
 * Simulations keyed by a random id and bound to the user who started them (another user's id finds nothing). Old ones are
 * dropped after 4 h idle or when more than 500 exist, oldest first: a lost simulation is simply started again.
 */
export class SimStore {
  private readonly sims = new Map<string, Simulation>();

  /** Start a simulation of `flow` in `lang` and run its first turn. */
  start(o: { userId: number; flowId: string; source: 'editor' | number; flow: FlowDefinition; lang: Lang; now: number; defaultCountry: string }): Simulation {
    this.sweep(o.now);
    const sim: Simulation = {
      id: randomBytes(16).toString('base64url'),
      userId: o.userId,
      flowId: o.flowId,
      source: o.source,
      flow: o.flow,
      // Contact flows read contact.* and monitoring.*: a sample contact on day 2 of quarantine, so their texts show real dates.
      state: initialState(o.flow, { lang: o.lang, case: { ...SIM_CASE }, ...sampleContext(localDate(o.now, o.flow.settings.timezone)) }),
      lines: [],
      lastAt: o.now,
    };
    this.sims.set(sim.id, sim);
    this.turn(sim, { kind: 'start' }, o.now, o.defaultCountry);
    return sim;
  }

  /** The simulation with this id if `userId` started it and it has not expired. */
  get(id: string, userId: number, now: number): Simulation | undefined {
    const sim = this.sims.get(id);
    if (!sim || sim.userId !== userId || now - sim.lastAt > TTL_MS) return undefined;
    return sim;
  }

  /** Apply one input with the real clock, as the pipeline would, and record what the patient would see. */
  turn(sim: Simulation, input: EngineInput, now: number, defaultCountry: string): EngineEvent[] {
    if (input.kind === 'text') sim.lines.push({ from: 'patient', text: input.text });
    if (input.kind === 'choice') {
      const label = lastChoices(sim).find((c) => c.value === input.value)?.label ?? input.value;
      sim.lines.push({ from: 'patient', text: label });
    }
    const r = step(sim.flow, sim.state, input, { now }, { defaultCountry });
    sim.state = r.state;
    sim.lastAt = now;
    for (const e of r.events) {
      const line = lineFor(e);
      if (line) sim.lines.push(line);
    }
    if (sim.lines.length > MAX_LINES) sim.lines.splice(0, sim.lines.length - MAX_LINES);
    // Re-insert so the map's order is least recently used first.
    this.sims.delete(sim.id);
    this.sims.set(sim.id, sim);
    return r.events;
  }

  /** How many simulations are held. */
  get size(): number {
    return this.sims.size;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.sims) if (now - s.lastAt > TTL_MS) this.sims.delete(id);
    while (this.sims.size >= MAX_SIMS) this.sims.delete(this.sims.keys().next().value!);
  }
}

/** The choices of the bot's last message (the buttons the patient has now). */
export function lastChoices(sim: Simulation): OutChoice[] {
  for (let i = sim.lines.length - 1; i >= 0; i--) {
    const l = sim.lines[i]!;
    if (l.from === 'patient') return [];
    if (l.from === 'bot') return l.choices ?? [];
  }
  return [];
}

const show = (v: AnswerValue): string => (Array.isArray(v) ? v.join(', ') : v === null ? '—' : String(v));

function lineFor(e: EngineEvent): SimLine | undefined {
  switch (e.type) {
    case 'message':
      return { from: 'bot', text: e.text, ...(e.choices?.length ? { choices: e.choices } : {}) };
    case 'answer_saved':
      return { from: 'note', kind: 'saved', text: `${e.key} = ${show(e.value)}` };
    case 'item_collected':
      return { from: 'note', kind: 'collected', text: `${e.key} #${e.index + 1}: ${Object.entries(e.item).map(([k, v]) => `${k}=${show(v)}`).join(', ')}` };
    case 'invalid_answer':
      return { from: 'note', kind: 'invalid', text: `${e.step}: ${e.problem} (${e.attempt})` };
    case 'escalated':
      return { from: 'note', kind: 'escalated', text: `${e.reason} · ${e.priority}${e.detail ? ` · ${e.detail}` : ''}` };
    case 'completed':
      return { from: 'note', kind: 'completed', text: e.step };
    case 'opted_out':
      return { from: 'note', kind: 'opted_out', text: e.step ?? '' };
    case 'language_changed':
      return { from: 'note', kind: 'language', text: e.lang };
    case 'error':
      return { from: 'note', kind: 'error', text: `${e.code}: ${e.message}` };
    case 'reminder_due':
      return undefined;
  }
}
