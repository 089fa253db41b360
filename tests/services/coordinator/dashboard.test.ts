import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/index.js';
import { dashboard, median } from '../../../src/services/coordinator/index.js';
import { NOW, at, fixture } from './dashboard-fixture.js';
import { tempDb } from '../../support/temp-db.js';

describe('dashboard', () => {
  it('matches the hand-computed figures for two Jakarta days', () => {
    const { db } = tempDb();
    const { ani, budi } = fixture(db);
    const d = dashboard(createRepositories(db), { from: '2026-03-08', to: '2026-03-09', timezone: 'Asia/Jakarta', contactTarget: 2, now: NOW });
    expect(d.range).toMatchObject({ startMs: at('2026-03-07T17:00:00Z'), endMs: at('2026-03-09T17:00:00Z') });
    expect(d.cases).toEqual({ confirmed: 5, reached: 4, completed: 3, unreachable: 1, optedOut: 0 });
    expect(d.medianHoursToInterview).toBe(12);
    expect(d.shareCompletedWithin24h).toBe(0.4);
    expect(d.contactsPerCase).toEqual({ target: 2, interviewedCases: 3, mean: 1.33, median: 1, casesMeetingTarget: 1 });
    expect(d.escalations).toEqual({ open: 4, pending: 2, medianWaitingMinutes: 75, oldestWaitingMinutes: 600, raisedInRange: 8, resolvedInRange: 2 });
    expect(d.tracers).toEqual([
      { userId: ani, name: 'Ani', role: 'tracer', pending: 2, open: 0, resolvedInRange: 1 },
      { userId: budi, name: 'Budi', role: 'tracer', pending: 0, open: 1, resolvedInRange: 1 },
    ]);
    expect(d.series).toEqual([
      { date: '2026-03-08', confirmed: 2, reached: 2, completed: 2, completedWithin24h: 1, contactsNamed: 3, escalations: 3 },
      { date: '2026-03-09', confirmed: 3, reached: 2, completed: 1, completedWithin24h: 1, contactsNamed: 1, escalations: 5 },
    ]);
  });

  it('gives nulls, not zeros or NaN, for an empty range', () => {
    const { db } = tempDb();
    const d = dashboard(createRepositories(db), { from: '2026-01-01', to: '2026-01-01', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW });
    expect(d.medianHoursToInterview).toBeNull();
    expect(d.shareCompletedWithin24h).toBeNull();
    expect(d.contactsPerCase.mean).toBeNull();
    expect(d.escalations.medianWaitingMinutes).toBeNull();
    expect(d.series).toHaveLength(1);
  });

  it('refuses a reversed range', () => {
    expect(() => dashboard(createRepositories(tempDb().db), { from: '2026-03-09', to: '2026-03-08', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW })).toThrow(RangeError);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
