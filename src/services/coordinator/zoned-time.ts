import { localDate } from '../../flow/answers/index.js';
import { epochAtLocal } from '../../flow/clock.js';

/** Epoch ms of a wall-clock time (`YYYY-MM-DD`, hours, minutes, seconds) in `timeZone`. */
export function zonedToEpoch(isoDate: string, timeZone: string, h = 0, m = 0, s = 0): number {
  return epochAtLocal(isoDate, `${h}:${String(m).padStart(2, '0')}`, timeZone) + s * 1000;
}

/** Epoch ms of local midnight starting `isoDate` in `timeZone`. */
export function startOfLocalDay(isoDate: string, timeZone: string): number {
  return zonedToEpoch(isoDate, timeZone);
}

export { localDate };

/** An instant as local ISO 8601 in `timeZone` with its offset, e.g. `2026-03-10T10:00:00+07:00` (what a spreadsheet shows). */
export function isoInZone(epochMs: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'longOffset' });
  for (const p of f.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  // "GMT+07:00", or "GMT" for UTC itself.
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}
