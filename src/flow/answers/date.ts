/**
 * Dates as patients type them. Decisions: day before month always (11/25 is invalid, never 25 November); a date
 * without a year is the most recent such date not after today; a plain weekday ("Senin") is the most recent one
 * including today, "Senin lalu" / "last Monday" the most recent strictly before today; "Minggu lalu" is last Sunday
 * (not "last week", which names no day), while "seminggu lalu" / "1 minggu lalu" is 7 days ago.
 */
import type { AnswerSpec } from '../definition.js';
import { fail, type ParseContext, type ParseResult } from './context.js';
import { addDays, addMonths, formatDate, isIsoDate, isValidYmd, parseIso, toIso, weekday } from './calendar.js';
import { fold } from './normalise.js';
import { parseNumberWords } from './number-words.js';

type DateSpec = Extract<AnswerSpec, { type: 'date' }>;

const MAX_INPUT = 200;

const MONTH_WORDS: [string, number][] = [
  ['januari', 1], ['january', 1], ['jan', 1], ['februari', 2], ['pebruari', 2], ['february', 2], ['feb', 2], ['peb', 2],
  ['maret', 3], ['march', 3], ['mar', 3], ['mrt', 3], ['april', 4], ['apr', 4], ['mei', 5], ['may', 5], ['juni', 6],
  ['june', 6], ['jun', 6], ['juli', 7], ['july', 7], ['jul', 7], ['agustus', 8], ['august', 8], ['agu', 8], ['agt', 8],
  ['ags', 8], ['agus', 8], ['aug', 8], ['september', 9], ['sep', 9], ['sept', 9], ['oktober', 10], ['october', 10],
  ['okt', 10], ['oct', 10], ['november', 11], ['nopember', 11], ['nov', 11], ['nop', 11], ['desember', 12],
  ['december', 12], ['des', 12], ['dec', 12],
];
const MONTHS = new Map(MONTH_WORDS);

const WEEKDAY_WORDS: [string, number][] = [
  ['minggu', 0], ['ahad', 0], ['senin', 1], ['selasa', 2], ['rabu', 3], ['kamis', 4], ['jumat', 5], ['jumaat', 5],
  ['sabtu', 6], ['sunday', 0], ['sun', 0], ['monday', 1], ['mon', 1], ['tuesday', 2], ['tue', 2], ['tues', 2],
  ['wednesday', 3], ['wed', 3], ['thursday', 4], ['thu', 4], ['thur', 4], ['thurs', 4], ['friday', 5], ['fri', 5],
  ['saturday', 6], ['sat', 6],
];
const WEEKDAYS = new Map(WEEKDAY_WORDS);

/** Whole answers that name a day relative to today (days to add). */
const RELATIVE = new Map<string, number>([
  ['hari ini', 0], ['today', 0], ['sekarang', 0], ['now', 0], ['tadi', 0], ['barusan', 0], ['tadi pagi', 0],
  ['tadi siang', 0], ['tadi sore', 0], ['td pagi', 0], ['pagi ini', 0], ['siang ini', 0], ['sore ini', 0],
  ['malam ini', 0], ['this morning', 0], ['this afternoon', 0], ['this evening', 0], ['tonight', 0],
  ['kemarin', -1], ['kemaren', -1], ['kmrn', -1], ['kmarin', -1], ['kmren', -1], ['kemrin', -1], ['yesterday', -1],
  ['yday', -1], ['semalam', -1], ['tadi malam', -1], ['td malam', -1], ['last night', -1],
  ['kemarin lusa', -2], ['kemaren lusa', -2], ['lusa kemarin', -2], ['kemarin dulu', -2], ['kemaren dulu', -2],
  ['day before yesterday', -2], ['the day before yesterday', -2],
  ['besok', 1], ['besuk', 1], ['tomorrow', 1], ['lusa', 2], ['day after tomorrow', 2],
]);
const TIME_OF_DAY = new Set(['pagi', 'siang', 'sore', 'malam', 'morning', 'afternoon', 'evening', 'night']);
/** Words around a date that carry nothing: "tanggal 25/11", "sejak kemarin", "sekitar 2 hari lalu". */
const FILLERS = new Set([
  'pada', 'on', 'the', 'of', 'sejak', 'since', 'mulai', 'dari', 'sekitar', 'kira', 'kira-kira', 'kurang', 'lebih',
  'kurleb', 'around', 'about', 'approximately', 'approx', 'it', 'was', 'started', 'start', 'mulainya', 'sktr', 'tahun',
  'thn', 'year', 'sy', 'saya', 'i', 'dr', 'tepatnya',
]);
const DAY_WORDS = new Set(['tanggal', 'tgl', 'tg', 'tangal', 'date']);
const ORDINAL_SUFFIX = new Set(['st', 'nd', 'rd', 'th']);
const AGO_WORDS = new Set(['lalu', 'ago', 'yll', 'sebelumnya', 'sblm', 'kemarin', 'kemaren', 'back', 'before', 'silam']);
const STRICT_AFTER_WEEKDAY = new Set(['lalu', 'kemarin', 'kemaren', 'kmrn', 'yll', 'yang lalu', 'yg lalu', 'kemarin ini']);
const UNIT_DAYS = new Map<string, number>([
  ['hari', 1], ['hr', 1], ['hri', 1], ['day', 1], ['days', 1], ['minggu', 7], ['mgg', 7], ['mg', 7], ['pekan', 7],
  ['week', 7], ['weeks', 7], ['wk', 7], ['wks', 7],
]);
const UNIT_MONTHS = new Set(['bulan', 'bln', 'month', 'months']);
const ONE_UNIT = new Map<string, string>([
  ['sehari', 'hari'], ['seminggu', 'minggu'], ['sepekan', 'pekan'], ['sebulan', 'bulan'],
]);

const SPLIT = /[^a-z0-9/.-]+/;
const DIGIT_LETTER = /(\d)(?=[a-z])/g;
const LETTER_DIGIT = /([a-z])(?=\d)/g;
const SPACED_SEPARATOR = /(\d)\s*([/.-])\s*(?=\d)/g;
const EDGE_PUNCT = /^[./-]+|[./-]+$/g;
const YMD = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DMY = /^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?$/;
const DMY_SPACED = /^(\d{1,2}) (\d{1,2}) (\d{4})$/;
const DIGITS_ONLY = /^\d+$/;

type Resolved = { ok: true; iso: string } | { ok: false; problem: 'date:unreadable' | 'date:invalid' };

const unreadable: Resolved = { ok: false, problem: 'date:unreadable' };
const invalid: Resolved = { ok: false, problem: 'date:invalid' };

/** Tokens of a date answer: folded, "25nov" split, "25 / 11" joined, fillers and ordinal suffixes dropped. */
function dateTokens(input: string): { toks: string[]; dayWord: boolean } {
  const s = fold(input).replace(DIGIT_LETTER, '$1 ').replace(LETTER_DIGIT, '$1 ').replace(SPACED_SEPARATOR, '$1$2');
  const toks: string[] = [];
  let dayWord = false;
  for (const raw of s.split(SPLIT)) {
    const t = raw.replace(EDGE_PUNCT, '');
    if (t === '' || FILLERS.has(t)) continue;
    if (DAY_WORDS.has(t)) {
      dayWord = true;
      continue;
    }
    if (ORDINAL_SUFFIX.has(t) && DIGITS_ONLY.test(toks[toks.length - 1] ?? '')) continue;
    toks.push(t);
  }
  return { toks, dayWord };
}

function year(text: string | undefined, todayYear: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.length === 4) return n;
  // Two-digit years: this century unless that is beyond next year ("25-11-98" is 1998).
  return 2000 + n > todayYear + 1 ? 1900 + n : 2000 + n;
}

/** Day and month (and maybe year) to an ISO date; without a year, the most recent such date not after today. */
function dayMonth(d: number, m: number, y: number | undefined, today: string): Resolved {
  if (y !== undefined) return isValidYmd(y, m, d) ? { ok: true, iso: toIso(y, m, d) } : invalid;
  const t = parseIso(today);
  if (!t) return unreadable;
  // Eight years back always reaches a leap year, so 29/02 resolves; 31/02 never does.
  for (let yy = t.y; yy >= t.y - 8; yy--) {
    if (!isValidYmd(yy, m, d)) continue;
    const iso = toIso(yy, m, d);
    if (iso <= today) return { ok: true, iso };
  }
  return invalid;
}

/** The most recent date with day-of-month `d` not after today ("tanggal 20"). */
function dayOnly(d: number, today: string): Resolved {
  if (d < 1 || d > 31) return invalid;
  let month = today.slice(0, 7) + '-01';
  for (let i = 0; i < 13; i++) {
    const p = parseIso(month);
    if (p && isValidYmd(p.y, p.m, d)) {
      const iso = toIso(p.y, p.m, d);
      if (iso <= today) return { ok: true, iso };
    }
    month = addMonths(month, -1);
  }
  return invalid;
}

function absolute(toks: readonly string[], today: string): Resolved | undefined {
  const todayYear = Number(today.slice(0, 4));
  const joined = toks.join(' ');
  let m = YMD.exec(joined);
  if (m) return dayMonth(Number(m[3]), Number(m[2]), Number(m[1]), today);
  m = DMY.exec(joined) ?? DMY_SPACED.exec(joined);
  if (m) return dayMonth(Number(m[1]), Number(m[2]), year(m[3], todayYear), today);
  if (toks.length < 2 || toks.length > 3) return undefined;
  const [a = '', b = '', c] = toks;
  if (c !== undefined && !(DIGITS_ONLY.test(c) && (c.length === 2 || c.length === 4))) return undefined;
  // "25 Nov 2026" or "November 25, 2026".
  let day: string | undefined;
  let month: number | undefined;
  if (DIGITS_ONLY.test(a) && MONTHS.has(b)) {
    day = a;
    month = MONTHS.get(b);
  } else if (MONTHS.has(a) && DIGITS_ONLY.test(b)) {
    day = b;
    month = MONTHS.get(a);
  }
  if (day === undefined || month === undefined || day.length > 2) return undefined;
  return dayMonth(Number(day), month, year(c, todayYear), today);
}

/** "Senin", "Senin lalu", "last Monday", "Senin minggu lalu": plain = most recent incl. today, "lalu"/"last" = before. */
function weekdayDate(toks: readonly string[], today: string): Resolved | undefined {
  let t = toks[0] === 'hari' ? toks.slice(1) : toks;
  let strict = false;
  if (t[0] === 'last' || t[0] === 'past' || t[0] === 'previous') {
    strict = true;
    t = t.slice(1);
  } else if (t[0] === 'this') {
    t = t.slice(1);
  }
  const wd = WEEKDAYS.get(t[0] ?? '');
  if (wd === undefined) return undefined;
  const rest = t.slice(1).join(' ');
  const todayWd = weekday(today);
  if (rest === 'minggu lalu' || rest === 'last week' || rest === 'pekan lalu' || rest === 'minggu kemarin') {
    // The given weekday in the previous Monday-to-Sunday week.
    const thisMonday = addDays(today, -((todayWd + 6) % 7));
    return { ok: true, iso: addDays(thisMonday, -7 + ((wd + 6) % 7)) };
  }
  if (rest !== '' && rest !== 'ini' && !STRICT_AFTER_WEEKDAY.has(rest)) return undefined;
  if (STRICT_AFTER_WEEKDAY.has(rest)) strict = true;
  let back = (todayWd - wd + 7) % 7;
  if (back === 0 && strict) back = 7;
  return { ok: true, iso: addDays(today, -back) };
}

/** "2 hari lalu", "dua hari yang lalu", "2 days ago", "seminggu lalu", "a week ago", "sebulan lalu". */
function agoDate(toks: readonly string[], today: string): Resolved | undefined {
  let t = [...toks];
  const last = t[t.length - 1];
  if (last === undefined || !AGO_WORDS.has(last)) return undefined;
  t.pop();
  if (t[t.length - 1] === 'yang' || t[t.length - 1] === 'yg') t.pop();
  let unit = t.pop();
  if (unit === undefined) return undefined;
  let amountToks = t;
  const implied = ONE_UNIT.get(unit);
  if (implied !== undefined) {
    unit = implied;
    amountToks = ['1', ...t];
  }
  if (amountToks.length === 1 && (amountToks[0] === 'a' || amountToks[0] === 'an' || amountToks[0] === 'one')) {
    amountToks = ['1'];
  }
  if (amountToks.length === 0) return undefined;
  const amount =
    amountToks.length === 1 && DIGITS_ONLY.test(amountToks[0] ?? '') ? Number(amountToks[0]) : parseNumberWords(amountToks);
  if (amount === null || amount > 3660) return undefined;
  const unitDays = UNIT_DAYS.get(unit);
  if (unitDays !== undefined) return { ok: true, iso: addDays(today, -amount * unitDays) };
  if (UNIT_MONTHS.has(unit) && amount <= 120) return { ok: true, iso: addMonths(today, -amount) };
  return undefined;
}

/** The calendar date a patient means, before limits are checked. */
function resolve(input: string, today: string): Resolved {
  const { toks, dayWord } = dateTokens(input);
  if (toks.length === 0 || toks.length > 8) return unreadable;
  const joined = toks.join(' ');
  const rel = RELATIVE.get(joined);
  if (rel !== undefined) return { ok: true, iso: addDays(today, rel) };
  // "kemarin sore", "Senin pagi", "2 hari lalu pagi".
  const trimmed = toks.length > 1 && TIME_OF_DAY.has(toks[toks.length - 1] ?? '') ? toks.slice(0, -1) : toks;
  const relTrimmed = RELATIVE.get(trimmed.join(' '));
  if (relTrimmed !== undefined) return { ok: true, iso: addDays(today, relTrimmed) };
  const found = weekdayDate(trimmed, today) ?? agoDate(trimmed, today) ?? absolute(toks, today);
  if (found) return found;
  // "Senin, 23/11", "Monday 23 Nov": the date decides, the weekday is decoration.
  if (toks.length > 1 && WEEKDAYS.has(toks[0] ?? '')) {
    const rest = absolute(toks.slice(1), today);
    if (rest) return rest;
  }
  if (dayWord && toks.length === 1 && DIGITS_ONLY.test(toks[0] ?? '') && (toks[0] ?? '').length <= 2) {
    return dayOnly(Number(toks[0]), today);
  }
  return unreadable;
}

const BOUND = /^(today|\d{4}-\d{2}-\d{2}|answers\.([a-z][a-z0-9_]*))(?:\s*([+-])\s*(\d+)d)?$/;
interface ParsedBound {
  base: 'today' | 'iso' | 'answer';
  value: string;
  offset: number;
}
const boundCache = new Map<string, ParsedBound | null>();

function parseBound(bound: string): ParsedBound | null {
  let parsed = boundCache.get(bound);
  if (parsed !== undefined) return parsed;
  const m = BOUND.exec(bound.trim());
  parsed = null;
  if (m) {
    const offset = m[4] === undefined ? 0 : Number(m[4]) * (m[3] === '-' ? -1 : 1);
    if (m[1] === 'today') parsed = { base: 'today', value: '', offset };
    else if (m[2] !== undefined) parsed = { base: 'answer', value: m[2], offset };
    else parsed = { base: 'iso', value: m[1] ?? '', offset };
  }
  // Bounds come from flow files, so the cache stays small; the cap guards against a caller passing arbitrary text.
  if (boundCache.size > 1000) boundCache.clear();
  boundCache.set(bound, parsed);
  return parsed;
}

/** The ISO date a DateBound stands for today, or null when it refers to a missing or non-date answer. */
export function resolveBound(bound: string, ctx: Pick<ParseContext, 'today' | 'answers'>): string | null {
  const b = parseBound(bound);
  if (!b) return null;
  const base = b.base === 'today' ? ctx.today : b.base === 'iso' ? b.value : ctx.answers[b.value];
  return isIsoDate(base) ? addDays(base, b.offset) : null;
}

/**
 * A date typed the Indonesian way (day first, never month first) or in words, as ISO `YYYY-MM-DD`, checked against
 * the spec's `min`/`max`. Problems: `date:unreadable`, `date:invalid` (31/02, month 13), `date:future` (after a max
 * that is today), `date:after_max` and `date:before_min` (params: the bound formatted in ctx.lang, and `*_iso`).
 */
export function parseDate(spec: DateSpec, input: string, ctx: ParseContext): ParseResult {
  if (input.length > MAX_INPUT || !isIsoDate(ctx.today)) return fail('date:unreadable');
  const r = resolve(input, ctx.today);
  if (!r.ok) return fail(r.problem);
  const max = spec.max === undefined ? null : resolveBound(spec.max, ctx);
  if (max !== null && r.iso > max) {
    const params = { max: formatDate(max, ctx.lang), max_iso: max };
    return fail(max === ctx.today ? 'date:future' : 'date:after_max', params);
  }
  const min = spec.min === undefined ? null : resolveBound(spec.min, ctx);
  if (min !== null && r.iso < min) return fail('date:before_min', { min: formatDate(min, ctx.lang), min_iso: min });
  return { ok: true, value: r.iso };
}
