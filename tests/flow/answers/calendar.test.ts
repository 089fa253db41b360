import { describe, expect, it } from 'vitest';
import { addDays, formatDate, isValidTimeZone, localDate } from '../../../src/flow/answers/index.js';

describe('calendar helpers', () => {
  it.each([
    ['2026-11-25', 1, '2026-11-26'],
    ['2026-11-25', -25, '2026-10-31'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
    ['2026-11-25', 0, '2026-11-25'],
  ])('addDays(%s, %d) is %s', (iso, n, out) => {
    expect(addDays(iso, n)).toBe(out);
  });

  it('addDays refuses a non-date', () => {
    expect(() => addDays('2026-02-31', 1)).toThrow(RangeError);
  });

  it('localDate gives the Jakarta calendar day, which starts 7 hours before UTC', () => {
    const lateUtc = Date.UTC(2026, 10, 24, 18, 30); // 01:30 on 25 Nov in Jakarta
    expect(localDate(lateUtc, 'Asia/Jakarta')).toBe('2026-11-25');
    expect(localDate(lateUtc, 'UTC')).toBe('2026-11-24');
    expect(localDate(Date.UTC(2026, 10, 24, 16, 59), 'Asia/Jakarta')).toBe('2026-11-24');
    expect(localDate(Date.UTC(2026, 10, 24, 15, 30), 'Asia/Jayapura')).toBe('2026-11-25');
  });

  it('an unknown time zone is reported, not guessed', () => {
    expect(isValidTimeZone('Asia/Jakarta')).toBe(true);
    expect(isValidTimeZone('Asia/Atlantis')).toBe(false);
    expect(() => localDate(0, 'Asia/Atlantis')).toThrow(RangeError);
  });

  it.each([
    ['2026-11-25', 'id', '25 Nov 2026'],
    ['2026-11-25', 'en', '25 Nov 2026'],
    ['2026-08-17', 'id', '17 Agu 2026'],
    ['2026-08-17', 'en', '17 Aug 2026'],
    ['2026-05-01', 'id', '1 Mei 2026'],
    ['2026-10-05', 'id', '5 Okt 2026'],
    ['2026-12-24', 'id', '24 Des 2026'],
    ['2026-12-24', 'en', '24 Dec 2026'],
    ['not a date', 'en', 'not a date'],
  ] as const)('formatDate(%s, %s) is %s', (iso, lang, out) => {
    expect(formatDate(iso, lang)).toBe(out);
  });
});
