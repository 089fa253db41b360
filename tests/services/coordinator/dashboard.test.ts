import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/index.js';
import { dashboard, median } from '../../../src/services/coordinator/index.js';
import { insertCase, insertContact, insertExposure, insertUser, tempDb } from './support.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-03-09T12:00:00Z'); // 19:00 in Jakarta

function escalation(db: Db, e: { status: 'open' | 'pending' | 'resolved'; assigneeId?: number | null; waitingSince: number; resolvedAt?: number }): void {
  const conv = db.$client
    .prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('fake', ?, 'f', 1, '{}', 'closed') RETURNING id`)
    .get(`u${Math.random()}`) as { id: number };
  db.$client
    .prepare(
      `INSERT INTO escalations (conversation_id, reason, status, assignee_id, waiting_since, resolved_at, created_at, updated_at) VALUES (?, 'patient_asked', ?, ?, ?, ?, ?, ?)`,
    )
    .run(conv.id, e.status, e.assigneeId ?? null, e.waitingSince, e.resolvedAt ?? null, e.waitingSince, e.waitingSince);
}

/**
 * Hand-computed fixture (Jakarta = UTC+7; range 8-9 March local = [7 Mar 17:00Z, 9 Mar 17:00Z)):
 * C1 confirmed 8 Mar 08:00 local, done in 6 h, 3 contacts; C2 8 Mar 17:00, done in 30 h, 1 contact; C3 9 Mar 01:00 local
 * (still 8 Mar in UTC), done in 12 h, no contacts; C4 reached, not done, 2 contacts; C5 unreachable. C6 and C7 fall just
 * outside the range on either side.
 */
function fixture(db: Db) {
  const c1 = insertCase(db, { externalId: 'C1', confirmedAt: at('2026-03-08T01:00:00Z'), firstReachedAt: at('2026-03-08T02:00:00Z'), completedAt: at('2026-03-08T07:00:00Z') });
  const c2 = insertCase(db, { externalId: 'C2', confirmedAt: at('2026-03-08T10:00:00Z'), firstReachedAt: at('2026-03-08T12:00:00Z'), completedAt: at('2026-03-09T16:00:00Z') });
  insertCase(db, { externalId: 'C3', confirmedAt: at('2026-03-08T18:00:00Z'), firstReachedAt: at('2026-03-08T19:00:00Z'), completedAt: at('2026-03-09T06:00:00Z') });
  const c4 = insertCase(db, { externalId: 'C4', confirmedAt: at('2026-03-09T05:00:00Z'), firstReachedAt: at('2026-03-09T06:00:00Z') });
  insertCase(db, { externalId: 'C5', confirmedAt: at('2026-03-09T08:00:00Z'), status: 'unreachable' });
  insertCase(db, { externalId: 'C6', confirmedAt: at('2026-03-07T16:59:00Z'), firstReachedAt: at('2026-03-07T17:30:00Z'), completedAt: at('2026-03-07T18:00:00Z') });
  insertCase(db, { externalId: 'C7', confirmedAt: at('2026-03-09T17:00:00Z') });
  for (let k = 0; k < 3; k++) insertExposure(db, { caseId: c1, contactId: insertContact(db, { name: `K1-${k}` }), createdAt: at('2026-03-08T07:00:00Z') });
  insertExposure(db, { caseId: c2, contactId: insertContact(db, { name: 'K2' }), createdAt: at('2026-03-09T16:00:00Z') });
  for (let k = 0; k < 2; k++) insertExposure(db, { caseId: c4, contactId: insertContact(db, { name: `K4-${k}` }), createdAt: at('2026-03-09T17:30:00Z') });

  const ani = insertUser(db, { name: 'Ani' });
  const budi = insertUser(db, { name: 'Budi' });
  const citra = insertUser(db, { name: 'Citra', role: 'coordinator' });
  insertUser(db, { name: 'Dodi', active: false });
  escalation(db, { status: 'open', waitingSince: NOW - 0.5 * H }); // E1
  escalation(db, { status: 'open', waitingSince: NOW - 1.5 * H }); // E2
  escalation(db, { status: 'open', waitingSince: NOW - 10 * H }); // E3
  escalation(db, { status: 'pending', assigneeId: ani, waitingSince: at('2026-03-08T05:00:00Z') }); // E4
  escalation(db, { status: 'pending', assigneeId: ani, waitingSince: at('2026-03-08T06:00:00Z') }); // E5
  escalation(db, { status: 'open', assigneeId: budi, waitingSince: NOW - 1 * H }); // E6, transferred to Budi
  escalation(db, { status: 'resolved', assigneeId: budi, waitingSince: at('2026-03-08T08:00:00Z'), resolvedAt: at('2026-03-08T09:00:00Z') }); // E7
  escalation(db, { status: 'resolved', assigneeId: citra, waitingSince: at('2026-03-07T09:00:00Z'), resolvedAt: at('2026-03-07T10:00:00Z') }); // E8
  escalation(db, { status: 'resolved', assigneeId: ani, waitingSince: at('2026-03-09T10:00:00Z'), resolvedAt: at('2026-03-09T11:00:00Z') }); // E9
  return { ani, budi };
}

describe('dashboard', () => {
  it('matches the hand-computed figures for two Jakarta days', () => {
    const db = tempDb();
    const { ani, budi } = fixture(db);
    const d = dashboard(db, { from: '2026-03-08', to: '2026-03-09', timezone: 'Asia/Jakarta', contactTarget: 2, now: NOW });
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
    const db = tempDb();
    const d = dashboard(db, { from: '2026-01-01', to: '2026-01-01', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW });
    expect(d.medianHoursToInterview).toBeNull();
    expect(d.shareCompletedWithin24h).toBeNull();
    expect(d.contactsPerCase.mean).toBeNull();
    expect(d.escalations.medianWaitingMinutes).toBeNull();
    expect(d.series).toHaveLength(1);
  });

  it('refuses a reversed range', () => {
    expect(() => dashboard(tempDb(), { from: '2026-03-09', to: '2026-03-08', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW })).toThrow(RangeError);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
