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
