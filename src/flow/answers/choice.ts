import type { AnswerSpec, Lang } from '../definition.js';
import { fail, type ParseResult } from './context.js';
import { squeeze, tokens, words } from './normalise.js';

type ChoiceSpec = Extract<AnswerSpec, { type: 'choice' }>;

/** A choice spec prepared once: every phrase (value, labels, synonyms) folded, with the choice index it names. */
interface Compiled {
  /** Exact phrase → choice index, or -1 when two choices share the phrase. */
  exact: Map<string, number>;
  /** [phrase, choice index] pairs of at least 3 characters, for prefix and whole-word matches. */
  phrases: [string, number][];
  /** The longest phrase in tokens, to bound the greedy scan of multiple answers. */
  maxTokens: number;
  values: string[];
}

const MAX_INPUT = 1000;
/** "2", "no 2", "nomor 2", "pilihan 2", "#2", "option 2". */
const NUMBERED = /^(?:no|nomor|nomer|nmr|number|num|pilihan|pilih|opsi|option|angka|jawaban)? ?(\d{1,3})$/;
const ORDINAL_WORDS: [string, number][] = [
  ['satu', 1], ['dua', 2], ['tiga', 3], ['empat', 4], ['lima', 5], ['enam', 6], ['tujuh', 7], ['delapan', 8],
  ['sembilan', 9], ['sepuluh', 10], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6],
  ['seven', 7], ['eight', 8], ['nine', 9], ['ten', 10], ['pertama', 1], ['kedua', 2], ['ketiga', 3], ['keempat', 4],
  ['kelima', 5], ['first', 1], ['second', 2], ['third', 3], ['fourth', 4], ['fifth', 5],
];
const ORDINALS = new Map(ORDINAL_WORDS.map(([word, n]) => [squeeze(word), n]));
/** Words between several picks: "1 dan 3", "demam, batuk serta pilek", "saya ada demam". */
const CONNECTORS = new Set(
  ['dan', 'and', 'serta', 'plus', 'juga', 'also', 'sama', 'dengan', 'with', 'atau', 'or', 'saya', 'aku', 'i', 'ada',
    'have', 'had', 'yang', 'the', 'a', 'my', 'no', 'nomor', 'nomer', 'number', 'pilihan', 'option'].map(squeeze),
);
const ALL = new Set(['semua', 'semuanya', 'semua nya', 'all', 'all of them', 'semua pilihan', 'everything'].map(squeeze));

const cache = new WeakMap<ChoiceSpec, Compiled>();

function key(text: string): string {
  return squeeze(words(text));
}

function compile(spec: ChoiceSpec): Compiled {
  let c = cache.get(spec);
  if (c) return c;
  const exact = new Map<string, number>();
  const phrases: [string, number][] = [];
  let maxTokens = 1;
  spec.choices.forEach((choice, index) => {
    const all = [choice.value, choice.label.id, choice.label.en, ...(choice.synonyms ?? [])];
    for (const text of all) {
      if (text === undefined) continue;
      const k = key(text);
      if (k === '') continue;
      const prev = exact.get(k);
      exact.set(k, prev === undefined || prev === index ? index : -1);
      if (k.length >= 3) phrases.push([k, index]);
      maxTokens = Math.max(maxTokens, tokens(k).length);
    }
  });
  c = { exact, phrases, maxTokens, values: spec.choices.map((ch) => ch.value) };
  cache.set(spec, c);
  return c;
}

/** The choice named exactly: by number, value, label or synonym; undefined if none, -1 if ambiguous. */
function exactIndex(c: Compiled, k: string): number | undefined {
  const numbered = NUMBERED.exec(k);
  if (numbered) {
    const n = Number(numbered[1]);
    return n >= 1 && n <= c.values.length ? n - 1 : undefined;
  }
  return c.exact.get(k);
}

/** A single choice, trying the strict forms first, then looser ones (prefix, whole word, phrase inside a sentence). */
function singleIndex(c: Compiled, k: string): number | undefined {
  const exact = exactIndex(c, k);
  if (exact !== undefined) return exact >= 0 ? exact : undefined;
  const ordinal = ORDINALS.get(k);
  if (ordinal !== undefined) return ordinal <= c.values.length ? ordinal - 1 : undefined;
  if (k.length < 3) return undefined;
  // A unique prefix of a label or of one of its words: "kan" → "Kantor", "kepala" → "Sakit kepala".
  const prefixed = new Set<number>();
  for (const [phrase, index] of c.phrases) {
    if (phrase.startsWith(k) || phrase.includes(` ${k}`)) prefixed.add(index);
  }
  if (prefixed.size === 1) return [...prefixed][0];
  if (prefixed.size > 1) return undefined;
  // A label inside a sentence: "di rumah saja" → "Di rumah"; the longest phrase wins, a tie is ambiguous.
  const padded = ` ${k} `;
  let best: number | undefined;
  let bestLength = 0;
  let tie = false;
  for (const [phrase, index] of c.phrases) {
    if (!padded.includes(` ${phrase} `)) continue;
    if (phrase.length > bestLength) {
      best = index;
      bestLength = phrase.length;
      tie = false;
    } else if (phrase.length === bestLength && index !== best) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

/** Several choices from "1, 3", "1 dan 3", "1 3", "demam, batuk" by a greedy longest-phrase scan. */
function multipleIndexes(c: Compiled, k: string): number[] | undefined {
  const whole = exactIndex(c, k);
  if (whole !== undefined) return whole >= 0 ? [whole] : undefined;
  if (ALL.has(k)) return c.values.map((_, i) => i);
  const toks = tokens(k);
  const picked = new Set<number>();
  let i = 0;
  while (i < toks.length) {
    let matched = false;
    for (let len = Math.min(c.maxTokens, toks.length - i); len >= 1 && !matched; len--) {
      const index = exactIndex(c, toks.slice(i, i + len).join(' '));
      if (index !== undefined && index >= 0) {
        picked.add(index);
        i += len;
        matched = true;
      }
    }
    if (matched) continue;
    const t = toks[i] ?? '';
    if (CONNECTORS.has(t)) {
      i++;
      continue;
    }
    const loose = singleIndex(c, t);
    if (loose === undefined) return undefined;
    picked.add(loose);
    i++;
  }
  return picked.size > 0 ? [...picked].sort((a, b) => a - b) : undefined;
}

/**
 * A choice by number ("2", "2.", "no 2"), value, label in either language, synonym, or a unique prefix of ≥3 letters;
 * the stored value is the choice `value` (string[] in choice order when `multiple`). Problem: `choice:unknown`.
 */
export function parseChoice(spec: ChoiceSpec, input: string): ParseResult {
  if (input.length > MAX_INPUT) return fail('choice:unknown', { count: spec.choices.length });
  const c = compile(spec);
  const raw = input.trim();
  // A button press carries the value verbatim.
  const byValue = c.values.indexOf(raw);
  if (byValue >= 0) return { ok: true, value: spec.multiple ? [raw] : raw };
  const k = key(input);
  if (k === '') return fail('choice:unknown', { count: spec.choices.length });
  if (spec.multiple) {
    const indexes = multipleIndexes(c, k);
    if (!indexes) return fail('choice:unknown', { count: spec.choices.length });
    return { ok: true, value: indexes.map((i) => c.values[i] ?? '') };
  }
  const index = singleIndex(c, k);
  const value = index === undefined ? undefined : c.values[index];
  return value === undefined ? fail('choice:unknown', { count: spec.choices.length }) : { ok: true, value };
}

/** The label of a choice in `lang`, falling back to the other language, then to the value. */
export function choiceLabel(choice: ChoiceSpec['choices'][number], lang: Lang): string {
  return choice.label[lang] ?? choice.label.id ?? choice.label.en ?? choice.value;
}
