import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/web/i18n.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

// "5 h 10 j" read as hours in English and days in Indonesian: the units are now words where they could clash.
describe('durations people read', () => {
  it.each([
    [30_000, 'baru saja', 'just now'],
    [12 * MIN, '12 menit', '12 min'],
    [3 * HOUR + 5 * MIN, '3 jam 5 menit', '3 h 5 min'],
    [DAY + 4 * HOUR, '1 hari 4 jam', '1 day 4 h'],
    [5 * DAY + 10 * HOUR + 59 * MIN, '5 hari 10 jam', '5 days 10 h'],
  ])('%d ms reads "%s" in Indonesian and "%s" in English', (ms, id, en) => {
    expect(formatDuration('id', ms)).toBe(id);
    expect(formatDuration('en', ms)).toBe(en);
  });

  it('never uses one letter for two units in either language', () => {
    for (const ms of [5 * MIN, 2 * HOUR + MIN, 3 * DAY + 2 * HOUR]) {
      const id = formatDuration('id', ms);
      const en = formatDuration('en', ms);
      expect(id).not.toMatch(/\b[hj]\b/);
      expect(en).not.toMatch(/\bd\b/);
    }
  });
});
