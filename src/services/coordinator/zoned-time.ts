import { localDate } from '../../flow/answers/index.js';

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `epochMs`, in ms (Jakarta: +7 h). */
function offsetAt(epochMs: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(epochMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Epoch ms of a wall-clock time (`YYYY-MM-DD`, hours, minutes, seconds) in `timeZone`. */
export function zonedToEpoch(isoDate: string, timeZone: string, h = 0, m = 0, s = 0): number {
  const [y, mo, d] = isoDate.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, m, s);
  // Two passes settle the offset across a DST change; Indonesia has none, but the zone is configurable.
  const first = guess - offsetAt(guess, timeZone);
  return guess - offsetAt(first, timeZone);
}

/** Epoch ms of local midnight starting `isoDate` in `timeZone`. */
export function startOfLocalDay(isoDate: string, timeZone: string): number {
  return zonedToEpoch(isoDate, timeZone);
}

export { localDate };
