import { z } from 'zod';
import { Lang } from './definition.js';
import { didYouMean } from './problems.js';
import type { EngineInput } from './types.js';

// The entries of a transcript script (see `./transcript.ts` for the format).

const TextLike = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const Fields = z.record(z.string(), z.unknown());

/** What each script entry accepts. */
export const ENTRY_SCHEMAS = {
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
/** The name of a script entry (`bot`, `patient`, ...). */
export type EntryKey = keyof typeof ENTRY_SCHEMAS;
/** One parsed script entry: its key and its validated value. */
export type Entry = { [K in EntryKey]: { key: K; value: z.output<(typeof ENTRY_SCHEMAS)[K]> } }[EntryKey];
/** Entries that send the engine an input (the others assert on what it did). */
export const INPUT_KEYS = new Set<EntryKey>(['start', 'patient', 'button', 'media', 'share_contacts', 'location', 'reminder', 'resume']);

/** One raw YAML script entry as an `Entry`, or why it is not one. */
export function parseEntry(raw: unknown): Entry | string {
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

/** The engine input an entry sends, or undefined for an assertion. */
export function toInput(entry: Entry): EngineInput | undefined {
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
