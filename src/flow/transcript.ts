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
 * contact: { name: Siti Aminah, first_name: Siti }        # optional: contact flows' `contact.*` and `monitoring.*`
 * monitoring: { exposure_date: 2026-11-23, day: 2 }
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
import { LineCounter, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import { clockAtLocal } from './clock.js';
import { Lang } from './definition.js';
import { initialState } from './engine.js';
import { loadFlowFile, type LoadResult } from './load.js';
import { formatProblem } from './problems.js';
import { parseEntry, type Entry } from './transcript-entries.js';
import { playTranscript, type TranscriptFailure } from './transcript-play.js';
import type { Clock } from './types.js';

export type { TranscriptFailure };

/** The outcome of one transcript file: passed, or its failures. */
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

const ContextValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

const Header = z
  .object({
    name: z.string().optional(),
    flow: z.string().min(1),
    lang: Lang.optional(),
    today: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
    time: z.string().regex(/^\d{1,2}:\d{2}$/, 'a time HH:MM').default('10:00'),
    case: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).default({}),
    contact: z.record(z.string(), ContextValueSchema).optional(),
    monitoring: z.record(z.string(), ContextValueSchema).optional(),
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
  const failures = playTranscript(loaded.flow, entries, {
    file: path,
    lineOf,
    clock,
    state: initialState(loaded.flow, {
      ...(t.lang ? { lang: t.lang } : {}),
      case: t.case,
      ...(t.contact ? { contact: t.contact } : {}),
      ...(t.monitoring ? { monitoring: t.monitoring } : {}),
    }),
    defaultCountry: t.default_country,
  });
  return { file: path, name: t.name ?? path, passed: failures.length === 0, failures };
}
