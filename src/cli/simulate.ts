/**
 * `npm run simulate -- <flow.yaml> [--lang en] [--today YYYY-MM-DD] [--case key=value ...] [--contact key=value ...]
 *   [--monitoring key=value ...] [--country ID] [--json]`
 *
 * Plays a flow in the terminal: each stdin line is what the patient sends, the bot's replies are printed. With
 * `--json`, one JSON object per line (messages, escalations, errors, and a final summary). A few lines stand for
 * non-text messages: `/sticker`, `/voice`, `/photo`, `/media <kind>`, `/contact Name +62812... [; Name2 0813...]`,
 * `/location -6.2,106.8`, `/button <value>`, `/reminder`, `/resume [step_id]`. Everything else is text (so `/stop`
 * and `/help` reach the flow's keywords). Stops when the conversation completes or stops, or when stdin closes.
 */
import { createInterface } from 'node:readline';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { clockAtLocal } from '../flow/clock.js';
import type { ContextRecord } from '../flow/context-vars.js';
import { Lang, type FlowDefinition } from '../flow/definition.js';
import { initialState, step } from '../flow/engine.js';
import { loadFlowFile } from '../flow/load.js';
import { formatProblem } from '../flow/problems.js';
import type { Clock, ConversationState, EngineEvent, EngineInput, Item } from '../flow/types.js';
import { firstName } from '../services/turn/identity-context.js';

const USAGE =
  'usage: npm run simulate -- <flow.yaml> [--lang id|en] [--today YYYY-MM-DD] [--case key=value ...] [--contact key=value ...] [--monitoring key=value ...] [--country ID] [--json]';

/** Parsed command line of the simulator. */
export interface SimulateOptions {
  file: string;
  lang?: Lang;
  today?: string;
  case: Record<string, string>;
  /** `contact.*` and `monitoring.*` of the contact flows (values: true/false, whole numbers, and a,b lists are typed). */
  contact: ContextRecord;
  monitoring: ContextRecord;
  country: string;
  json: boolean;
}

/** The options from argv (without node and script), or a usage problem to print. */
export function parseSimulateArgs(argv: readonly string[]): SimulateOptions | { problem: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        lang: { type: 'string' },
        today: { type: 'string' },
        case: { type: 'string', multiple: true },
        contact: { type: 'string', multiple: true },
        monitoring: { type: 'string', multiple: true },
        country: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return { problem: 'give exactly one flow file' };
  const lang = values.lang === undefined ? undefined : Lang.safeParse(values.lang);
  if (lang && !lang.success) return { problem: `--lang must be id or en, not "${values.lang}"` };
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) return { problem: '--today must be YYYY-MM-DD' };
  const caseFields: Record<string, string> = {};
  for (const kv of values.case ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) return { problem: `--case takes key=value, not "${kv}"` };
    caseFields[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  // As the service gives it: `--case name=Budi Santoso` also means `case.first_name` Budi.
  const first = firstName(caseFields.name);
  if (caseFields.first_name === undefined && first !== null) caseFields.first_name = first;
  const contact = contextFields('contact', values.contact);
  if (typeof contact === 'string') return { problem: contact };
  const monitoring = contextFields('monitoring', values.monitoring);
  if (typeof monitoring === 'string') return { problem: monitoring };
  const country = (values.country ?? 'ID').toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return { problem: '--country is a two-letter country code such as ID' };
  return {
    file: positionals[0]!,
    ...(lang?.success ? { lang: lang.data } : {}),
    ...(values.today !== undefined ? { today: values.today } : {}),
    case: caseFields,
    contact,
    monitoring,
    country,
    json: values.json === true,
  };
}

/** `key=value` pairs as context values: `true`/`false` booleans, whole numbers, `a,b` lists; else text. Or a problem. */
function contextFields(flag: string, pairs: readonly string[] | undefined): ContextRecord | string {
  const out: ContextRecord = {};
  for (const kv of pairs ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) return `--${flag} takes key=value, not "${kv}"`;
    const v = kv.slice(eq + 1);
    out[kv.slice(0, eq)] = v === 'true' ? true : v === 'false' ? false : /^-?\d+$/.test(v) ? Number(v) : v.includes(',') ? v.split(',').map((x) => x.trim()) : v;
  }
  return out;
}

/** The engine input a typed line stands for (see the file comment for the slash commands). */
export function lineToInput(line: string): EngineInput {
  const m = /^\/(\w+)(?:\s+(.*))?$/s.exec(line.trim());
  const arg = m?.[2]?.trim() ?? '';
  switch (m?.[1]?.toLowerCase()) {
    case 'sticker':
    case 'voice':
    case 'photo':
    case 'video':
    case 'document':
      return { kind: 'media', media: m[1]!.toLowerCase() };
    case 'media':
      return { kind: 'media', media: arg || 'media' };
    case 'reminder':
      return { kind: 'reminder' };
    case 'resume':
      return arg ? { kind: 'resume', stepId: arg } : { kind: 'resume' };
    case 'button':
      if (arg) return { kind: 'choice', value: arg };
      break;
    case 'location': {
      const [lat, lon] = arg.split(/[\s,]+/).map(Number);
      if (Number.isFinite(lat) && Number.isFinite(lon)) return { kind: 'location', latitude: lat!, longitude: lon! };
      break;
    }
    case 'contact': {
      // "/contact Siti Aminah 0812-3456-7890; Joko +62 813..." : the phone is where the digits start.
      const contacts = arg
        .split(';')
        .map((c) => /^(.*?)\s*(\+?\d[\d\s\-().]*)$/.exec(c.trim()))
        .flatMap((c) => (c ? [{ name: c[1]!.trim(), phone: c[2]!.trim() }] : []));
      if (contacts.length > 0) return { kind: 'contacts', contacts };
      break;
    }
  }
  return { kind: 'text', text: line };
}

/** Items of the flow's contact lists, in order. */
function contactsOf(flow: FlowDefinition, state: ConversationState): Item[] {
  const keys = new Set(flow.steps.flatMap((s) => (s.type === 'collect' && s.kind === 'contact' ? [s.save_as ?? s.id] : [])));
  return [...keys].flatMap((k) => state.lists[k] ?? []);
}

/** The lines to print for a turn's events (JSON lines, or plain text for a person at a terminal). */
export function renderEvents(events: readonly EngineEvent[], json: boolean): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type === 'message') {
      if (json) {
        out.push(JSON.stringify({ type: 'message', step: e.step, text: e.text, expects: e.expects, choices: e.choices ?? [] }));
      } else {
        out.push(`bot: ${e.text.split('\n').join('\n     ')}`);
        if (e.choices?.length) out.push(`     ${e.choices.map((c) => `[${c.value}] ${c.label}`).join('  ')}`);
      }
    } else if (e.type === 'escalated') {
      if (json) out.push(JSON.stringify({ type: 'escalated', reason: e.reason, priority: e.priority, step: e.step, ...(e.detail ? { detail: e.detail } : {}) }));
      else out.push(`*** handed to a tracer: ${e.reason}${e.detail ? ` (${e.detail})` : ''}, priority ${e.priority}; type /resume to hand back`);
    } else if (e.type === 'error') {
      out.push(json ? JSON.stringify({ type: 'error', code: e.code, message: e.message, step: e.step }) : `*** flow error ${e.code}: ${e.message}`);
    }
  }
  return out;
}

/** The final line(s): status, answers and contacts. */
export function renderSummary(flow: FlowDefinition, state: ConversationState, json: boolean): string[] {
  const contacts = contactsOf(flow, state);
  if (json) return [JSON.stringify({ type: state.status, answers: state.answers, contacts })];
  return [
    `*** conversation ${state.status}`,
    `answers: ${JSON.stringify(state.answers, null, 2)}`,
    `contacts: ${JSON.stringify(contacts, null, 2)}`,
  ];
}

async function main(argv: readonly string[]): Promise<number> {
  const opts = parseSimulateArgs(argv);
  if ('problem' in opts) {
    console.error(`${opts.problem}\n${USAGE}`);
    return 2;
  }
  const loaded = loadFlowFile(opts.file);
  if (!loaded.ok) {
    for (const p of loaded.problems) console.error(formatProblem({ ...p, file: relative(process.cwd(), p.file) || p.file }));
    return 1;
  }
  const flow = loaded.flow;
  for (const w of loaded.warnings) console.error(formatProblem(w));
  const fixed = opts.today === undefined ? undefined : clockAtLocal(opts.today, '10:00', flow.settings.timezone);
  // Without --today the simulator runs on the real clock; the engine itself never reads it.
  const clock = (): Clock => fixed ?? { now: Date.now() };
  const print = (lines: readonly string[]): void => {
    for (const l of lines) process.stdout.write(`${l}\n`);
  };

  let state = initialState(flow, { ...(opts.lang ? { lang: opts.lang } : {}), case: opts.case,
    ...(Object.keys(opts.contact).length ? { contact: opts.contact } : {}),
    ...(Object.keys(opts.monitoring).length ? { monitoring: opts.monitoring } : {}),
  });
  const turn = (input: EngineInput): boolean => {
    const r = step(flow, state, input, clock(), { defaultCountry: opts.country });
    state = r.state;
    print(renderEvents(r.events, opts.json));
    return state.status === 'completed' || state.status === 'stopped';
  };

  let ended = turn({ kind: 'start' });
  if (!ended) {
    const rl = createInterface({ input: process.stdin, terminal: false });
    for await (const line of rl) {
      if (line.trim() === '') continue;
      if (!opts.json) print([`you: ${line}`]);
      if (turn(lineToInput(line))) {
        ended = true;
        rl.close();
        break;
      }
    }
  }
  print(renderSummary(flow, state, opts.json));
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
