/**
 * Calendar helpers on ISO `YYYY-MM-DD` strings. Dates are plain calendar days (no time, no zone), so arithmetic is
 * done in UTC where no daylight-saving jump can shift a day.
 */
import type { Lang } from '../definition.js';

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date given as numbers (month 1-12); rejects 31/02 and years outside 1900-2999. */
export function isValidYmd(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

/** Days in month `m` (1-12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** `YYYY-MM-DD` of numeric parts; the caller guarantees they are valid. */
export function toIso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The numeric parts of a valid ISO date, or null for anything else (including 2026-02-31). */
export function parseIso(iso: string): { y: number; m: number; d: number } | null {
  const m = ISO.exec(iso);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return isValidYmd(y, mo, d) ? { y, m: mo, d } : null;
}

/** True when `value` is a valid ISO calendar date string. */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && parseIso(value) !== null;
}

function toUtcMs(iso: string): number {
  const p = parseIso(iso);
  if (!p) throw new RangeError(`not an ISO date: ${iso}`);
  return Date.UTC(p.y, p.m - 1, p.d);
}

function fromUtcMs(ms: number): string {
  const d = new Date(ms);
  return toIso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Add n days (negative to go back) to an ISO date; throws RangeError if `isoDate` is not a valid ISO date. */
export function addDays(isoDate: string, n: number): string {
  return fromUtcMs(toUtcMs(isoDate) + n * DAY_MS);
}

/** Add n calendar months, clamping the day to the target month's length (31 Mar − 1 month → 28/29 Feb). */
export function addMonths(isoDate: string, n: number): string {
  const p = parseIso(isoDate);
  if (!p) throw new RangeError(`not an ISO date: ${isoDate}`);
  const index = p.y * 12 + (p.m - 1) + n;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return toIso(y, m, Math.min(p.d, daysInMonth(y, m)));
}

/** Day of the week of an ISO date, 0 = Sunday … 6 = Saturday. */
export function weekday(isoDate: string): number {
  return new Date(toUtcMs(isoDate)).getUTCDay();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone; flows are checked with isValidTimeZone when loaded.
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone this runtime knows (use it to validate flow settings at load time). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local calendar date (YYYY-MM-DD) of an instant in an IANA time zone; throws RangeError for an unknown zone. */
export function localDate(epochMs: number, timeZone: string): string {
  let y = 0;
  let m = 0;
  let d = 0;
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type === 'year') y = Number(part.value);
    else if (part.type === 'month') m = Number(part.value);
    else if (part.type === 'day') d = Number(part.value);
  }
  return toIso(y, m, d);
}

const MONTHS: Record<Lang, readonly string[]> = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** An ISO date as a patient reads it: '25 Nov 2026' (en), '17 Agu 2026' (id); other strings are returned unchanged. */
export function formatDate(isoDate: string, lang: Lang): string {
  const p = parseIso(isoDate);
  if (!p) return isoDate;
  return `${p.d} ${MONTHS[lang][p.m - 1]} ${p.y}`;
}

/** An ISO date as the short day/month example patients are asked to type, e.g. '24/11'. */
export function formatDayMonth(isoDate: string): string {
  const p = parseIso(isoDate);
  return p ? `${p.d}/${p.m}` : isoDate;
}
