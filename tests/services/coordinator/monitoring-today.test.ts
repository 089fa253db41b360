import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../../src/db/index.js';
import { monitoringStage } from '../../../src/domain/monitoring.js';
import { monitoringToday, startOfLocalDay } from '../../../src/services/coordinator/index.js';
import { tempDb } from '../../support/temp-db.js';
import { insertContact } from './support.js';
import { followUpFixture, insertEnrolment } from './follow-up-fixture.js';

const policy = { quarantineDays: 5, entryTestDay: 1, exitTestDay: 5, checkinHour: 8, timeZone: 'Asia/Jakarta' };

describe('today’s monitoring roster', () => {
  it('counts each record in the stage monitoringStage gives it (the SQL and the function agree)', () => {
    const { db } = tempDb();
    followUpFixture(db);
    // Every combination the stage depends on, one record each.
    let n = 0;
    for (const status of ['active', 'released', 'became_case', 'closed'] as const)
      for (const notifyStatus of ['pending', 'queued', 'sent', 'needs_call'] as const)
        for (const callOutcome of [null, 'reached', 'not_reached'] as const)
          for (const flags of [0, 1, 2, 3, 4, 5, 6, 7]) {
            const contactId = insertContact(db, { name: `P${n++}`, area: 'X' });
            insertEnrolment(db, { contactId, elicitedAt: 1, status, notifyStatus, callOutcome, repliedAt: flags & 1 ? 5 : null, symptomaticAt: flags & 2 ? 6 : null, unresponsiveAt: flags & 4 ? 7 : null, closedAt: status === 'active' ? null : 10 });
          }
    const repos = createRepositories(db);
    const fromSql = new Map<string, number>();
    for (const r of repos.monitoring.stageCounts(0)) fromSql.set(r.stage, (fromSql.get(r.stage) ?? 0) + r.n);
    const fromTs = new Map<string, number>();
    const ids = db.$client.prepare(`SELECT id FROM monitoring_enrolments`).all() as { id: number }[];
    for (const { id } of ids) {
      const stage = monitoringStage(repos.monitoring.byId(id)!);
      fromTs.set(stage, (fromTs.get(stage) ?? 0) + 1);
    }
    expect(Object.fromEntries(fromSql)).toEqual(Object.fromEntries(fromTs));
  });

  it('lists the day’s records by area and stage, with day N of M, and estimates today’s check-ins', () => {
    const { db } = tempDb();
    followUpFixture(db);
    insertEnrolment(db, { contactId: insertContact(db, { name: 'Old', area: 'Cakung, Jakarta Timur' }), elicitedAt: 1, status: 'released', closedAt: Date.parse('2026-03-07T00:00:00Z') });
    const chat = db.$client
      .prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('fake', '+6281200000003', 'daily-checkin', 1, '{}', 'bot') RETURNING id`)
      .get() as { id: number };
    const repos = createRepositories(db);
    const dayStartMs = startOfLocalDay('2026-03-09', 'Asia/Jakarta');
    const d = monitoringToday(repos, { today: '2026-03-09', dayStartMs, policy, perMinute: 20, area: 'Cakung, Jakarta Timur', limit: 10 });
    expect(d.counts).toEqual({ enrolled: 0, needs_call: 0, notified: 0, monitoring: 0, symptomatic: 1, unreachable: 0, released: 0, became_case: 0, closed: 1 });
    expect(d.areas).toEqual(['Cakung, Jakarta Timur', 'Koja, Jakarta Utara', 'Tebet, Jakarta Selatan']);
    expect(d.rows.map((r) => [r.name, r.stage, r.day, r.days, r.namedBy?.externalId, r.conversationId])).toEqual([
      ['Joko Hidayat', 'closed', 2, 5, 'A', null],
      ['Dewi Saputra', 'symptomatic', 2, 5, 'A', chat.id],
    ]);
    expect(d.rows[1]!.lastCheckin?.date).toBe('2026-03-09');
    // One check-in planned for today (Dewi's): two messages at 20 a minute from 08:00.
    expect(d.checkIns).toBe(1);
    expect(d.estimate).toMatchObject({ messages: 2, minutes: 1, status: 'ok' });
  });
});
