/**
 * Friendly re-asks after an answer the bot could not use. Each says what is expected, with an example, and never
 * repeats what the patient typed (it may hold a name or number that must not be echoed into logs or screenshots).
 */
import { getCountryCallingCode } from 'libphonenumber-js/max';
import type { AnswerSpec, Lang } from '../definition.js';
import { choiceLabel } from './choice.js';
import type { ParseContext, ParseFailure } from './context.js';
import { resolveBound } from './date.js';
import { addDays, formatDate, formatDayMonth, isIsoDate } from './calendar.js';
import { phoneCountry } from './phone.js';

type Params = Record<string, string | number>;
type Texts = Record<Lang, (spec: AnswerSpec, params: Params, ctx: ParseContext) => string>;

function num(value: string | number | undefined, lang: Lang): string {
  if (value === undefined) return '';
  return lang === 'id' ? String(value).replace('.', ',') : String(value);
}

/** A bound from the failure params, formatted in the re-ask's language (params are formatted in ctx.lang). */
function bound(params: Params, name: 'min' | 'max', lang: Lang): string {
  const iso = params[`${name}_iso`];
  if (typeof iso === 'string' && isIsoDate(iso)) return formatDate(iso, lang);
  return String(params[name] ?? '');
}

/** A date example the patient can copy: yesterday as day/month. */
function example(ctx: ParseContext): string {
  return isIsoDate(ctx.today) ? formatDayMonth(addDays(ctx.today, -1)) : '24/11';
}

function numberRange(spec: AnswerSpec, lang: Lang): string {
  if (spec.type !== 'number') return '';
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) {
    return lang === 'id' ? ` antara ${num(min, lang)} dan ${num(max, lang)}` : ` between ${min} and ${max}`;
  }
  if (min !== undefined) return lang === 'id' ? ` paling sedikit ${num(min, lang)}` : ` of at least ${min}`;
  if (max !== undefined) return lang === 'id' ? ` paling banyak ${num(max, lang)}` : ` of at most ${max}`;
  return '';
}

/** What the date must respect, as a sentence ("It cannot be in the future."), or ''. */
function dateLimits(spec: AnswerSpec, lang: Lang, ctx: ParseContext): string {
  if (spec.type !== 'date') return '';
  const max = spec.max === undefined ? null : resolveBound(spec.max, ctx);
  const min = spec.min === undefined ? null : resolveBound(spec.min, ctx);
  const parts: string[] = [];
  if (max !== null) {
    if (max === ctx.today) parts.push(lang === 'id' ? ' Tanggalnya tidak boleh setelah hari ini.' : ' It cannot be in the future.');
    else parts.push(lang === 'id' ? ` Paling lambat ${formatDate(max, lang)}.` : ` It must be on or before ${formatDate(max, lang)}.`);
  }
  if (min !== null) {
    parts.push(lang === 'id' ? ` Paling awal ${formatDate(min, lang)}.` : ` It must be on or after ${formatDate(min, lang)}.`);
  }
  return parts.join('');
}

function optionList(spec: AnswerSpec, lang: Lang): string {
  if (spec.type !== 'choice') return '';
  return spec.choices.map((c, i) => `${i + 1}. ${choiceLabel(c, lang)}`).join('\n');
}

function phoneExample(spec: AnswerSpec, ctx: ParseContext): string {
  if (spec.type !== 'phone') return '0812-3456-7890';
  const country = phoneCountry(spec, ctx);
  return country === 'ID' ? '0812-3456-7890 atau +62 812 3456 7890' : `+${getCountryCallingCode(country)} …`;
}

function phoneExampleEn(spec: AnswerSpec, ctx: ParseContext): string {
  if (spec.type !== 'phone') return '0812-3456-7890';
  const country = phoneCountry(spec, ctx);
  return country === 'ID' ? '0812-3456-7890 or +62 812 3456 7890' : `+${getCountryCallingCode(country)} …`;
}

const DATE_UNREADABLE: Texts = {
  id: (spec, _p, ctx) =>
    `Mohon tulis tanggalnya dengan urutan tanggal/bulan, misalnya ${example(ctx)}, atau tulis "kemarin" atau "2 hari lalu".` +
    dateLimits(spec, 'id', ctx),
  en: (spec, _p, ctx) =>
    `Please write a date with the day first, such as ${example(ctx)}, or "yesterday" or "2 days ago".` +
    dateLimits(spec, 'en', ctx),
};

/** Re-ask texts by problem code; `reaskText` falls back to the answer type's generic text for an unknown code. */
const TEXTS: Record<string, Texts> = {
  'text:empty': {
    id: () => 'Mohon ketik jawaban Anda dalam bentuk teks.',
    en: () => 'Please type your answer as text.',
  },
  'text:too_short': {
    id: (_s, p) => `Jawabannya terlalu pendek. Mohon tulis paling sedikit ${p.min} huruf.`,
    en: (_s, p) => `That answer is too short. Please write at least ${p.min} characters.`,
  },
  'text:too_long': {
    id: (_s, p) => `Maaf, pesannya terlalu panjang. Mohon persingkat menjadi paling banyak ${p.max} huruf.`,
    en: (_s, p) => `Sorry, that message is too long. Please shorten it to at most ${p.max} characters.`,
  },
  'number:unreadable': {
    id: (s) => `Mohon jawab dengan satu angka saja${numberRange(s, 'id')}, misalnya 3.`,
    en: (s) => `Please answer with a single number${numberRange(s, 'en')}, for example 3.`,
  },
  'number:not_integer': {
    id: (s) => `Mohon tulis bilangan bulat tanpa koma${numberRange(s, 'id')}, misalnya 3.`,
    en: (s) => `Please write a whole number${numberRange(s, 'en')}, for example 3.`,
  },
  'number:too_small': {
    id: (_s, p) => `Angkanya terlalu kecil. Mohon tulis angka ${num(p.min, 'id')} atau lebih.`,
    en: (_s, p) => `That number is too small. Please write ${p.min} or more.`,
  },
  'number:too_large': {
    id: (_s, p) => `Angkanya terlalu besar. Mohon tulis angka paling banyak ${num(p.max, 'id')}.`,
    en: (_s, p) => `That number is too large. Please write ${p.max} or less.`,
  },
  'yes_no:unclear': {
    id: () => 'Maaf, mohon jawab dengan "ya" atau "tidak".',
    en: () => 'Sorry, please answer "yes" or "no".',
  },
  'choice:unknown': {
    id: (s) =>
      `Maaf, pilihan itu tidak ada. Mohon balas dengan nomor atau nama pilihan:\n${optionList(s, 'id')}` +
      (s.type === 'choice' && s.multiple ? '\nAnda boleh memilih lebih dari satu, misalnya "1, 3".' : ''),
    en: (s) =>
      `Sorry, that is not one of the options. Please reply with the number or the name of an option:\n${optionList(s, 'en')}` +
      (s.type === 'choice' && s.multiple ? '\nYou can choose more than one, for example "1, 3".' : ''),
  },
  'date:unreadable': DATE_UNREADABLE,
  'date:invalid': {
    id: (_s, _p, ctx) =>
      `Maaf, tanggal itu tidak ada di kalender. Mohon tulis tanggal dulu, lalu bulan, misalnya ${example(ctx)}.`,
    en: (_s, _p, ctx) => `Sorry, that date does not exist. Please write the day first, then the month, such as ${example(ctx)}.`,
  },
  'date:future': {
    id: (_s, _p, ctx) =>
      `Tanggalnya tidak boleh setelah hari ini. Mohon tulis tanggal hari ini atau sebelumnya, misalnya ${example(ctx)} atau "kemarin".`,
    en: (_s, _p, ctx) =>
      `The date cannot be in the future. Please write today's date or an earlier one, such as ${example(ctx)} or "yesterday".`,
  },
  'date:after_max': {
    id: (_s, p) => `Tanggalnya harus ${bound(p, 'max', 'id')} atau sebelumnya. Mohon tulis tanggal yang lain.`,
    en: (_s, p) => `The date must be on or before ${bound(p, 'max', 'en')}. Please write another date.`,
  },
  'date:before_min': {
    id: (_s, p) => `Tanggalnya harus ${bound(p, 'min', 'id')} atau sesudahnya. Mohon tulis tanggal yang lain.`,
    en: (_s, p) => `The date must be on or after ${bound(p, 'min', 'en')}. Please write another date.`,
  },
  'phone:invalid': {
    id: (s, _p, ctx) =>
      `Maaf, nomor teleponnya sepertinya belum lengkap atau salah. Mohon tulis nomor lengkap, misalnya ${phoneExample(s, ctx)}.`,
    en: (s, _p, ctx) =>
      `Sorry, that phone number looks incomplete or wrong. Please write the full number, for example ${phoneExampleEn(s, ctx)}.`,
  },
};

/** The generic re-ask of each answer type, used for a problem code this module does not know. */
const GENERIC: Record<AnswerSpec['type'], string> = {
  text: 'text:empty',
  number: 'number:unreadable',
  yes_no: 'yes_no:unclear',
  choice: 'choice:unknown',
  date: 'date:unreadable',
  phone: 'phone:invalid',
};

/** Every problem code `parseAnswer` can return (for tests and for flow authors overriding texts). */
export const PROBLEM_CODES: readonly string[] = Object.keys(TEXTS);

/** A friendly re-ask in `lang` that says what is expected for this spec and failure; never empty, never echoes input. */
export function reaskText(spec: AnswerSpec, failure: ParseFailure, lang: Lang, ctx: ParseContext): string {
  const texts = TEXTS[failure.problem]?.[lang] ?? TEXTS[GENERIC[spec.type]]?.[lang] ?? DATE_UNREADABLE[lang];
  return texts(spec, failure.params ?? {}, ctx);
}
