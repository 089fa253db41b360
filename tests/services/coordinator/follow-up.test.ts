import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/index.js';
import { dashboard, followUpIndicators } from '../../../src/services/coordinator/index.js';
import { tempDb } from '../../support/temp-db.js';
import { FOLLOW_UP_NOW, followUpFixture } from './follow-up-fixture.js';

describe('the dashboard’s contact follow-up indicators', () => {
  it('match the hand-computed figures for two Jakarta days', () => {
    const { db } = tempDb();
    followUpFixture(db);
    const d = dashboard(createRepositories(db), { from: '2026-03-08', to: '2026-03-09', timezone: 'Asia/Jakarta', contactTarget: 15, now: FOLLOW_UP_NOW });
    expect(d.followUp).toEqual({
      notified: { named: 6, counted: 5, within24h: 3, share: 0.6, medianHours: 6 },
      checkIns: { sent: 3, answered: 2, rate: 0.6667 },
      completed: { ended: 2, completed: 1, share: 0.5 },
      becameCases: { contacts: 6, cases: 1, rate: 0.1667 },
      knownContacts: { cases: 4, wereContacts: 1, share: 0.25 },
    });
  });

  it('counts a contact named an hour ago and not told yet only once their 24 h are over', () => {
    const H = 3_600_000;
    const named = [{ elicitedAt: 0, notifiedAt: null, outcome: 'active' as const }];
    expect(followUpIndicators(named, [], { total: 0, fromContacts: 0 }, 1 * H).notified).toEqual({ named: 1, counted: 0, within24h: 0, share: null, medianHours: null });
    expect(followUpIndicators(named, [], { total: 0, fromContacts: 0 }, 25 * H).notified).toEqual({ named: 1, counted: 1, within24h: 0, share: 0, medianHours: null });
  });

  it('gives nulls, not zeros or NaN, when nothing happened in the range', () => {
    const { db } = tempDb();
    const d = dashboard(createRepositories(db), { from: '2026-01-01', to: '2026-01-01', timezone: 'Asia/Jakarta', contactTarget: 15, now: FOLLOW_UP_NOW });
    expect(d.followUp).toEqual({
      notified: { named: 0, counted: 0, within24h: 0, share: null, medianHours: null },
      checkIns: { sent: 0, answered: 0, rate: null },
      completed: { ended: 0, completed: 0, share: null },
      becameCases: { contacts: 0, cases: 0, rate: null },
      knownContacts: { cases: 0, wereContacts: 0, share: null },
    });
  });
});
