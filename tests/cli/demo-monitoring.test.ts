import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { createRepositories, type Db } from '../../src/db/index.js';
import { dashboard } from '../../src/services/coordinator/index.js';
import { tempDb } from '../support/temp-db.js';

const NOW = Date.parse('2026-03-10T03:00:00Z');
const one = (db: Db, sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;

describe('demo data: contacts followed through quarantine', () => {
  it('has contacts at every stage of follow-up, replayed with the real scheduler', () => {
    const { db } = tempDb();
    // An empty database (the demo refuses one holding real accounts); its own demo tracers record the calls.
    const r = runDemo(db, { now: NOW, seed: 42 });
    if (!r.ok) throw new Error(r.detail);
    const m = r.summary.monitoring;
    for (const stage of ['needs_call', 'notified', 'monitoring', 'symptomatic', 'unreachable', 'released', 'became_case'] as const) expect([stage, m[stage]]).toEqual([stage, expect.any(Number)]);
    expect(Object.entries(m).filter(([k, n]) => n === 0 && !['enrolled', 'closed'].includes(k))).toEqual([]);
    // One check-in per record and day; the ticks planned them, contacts answered most.
    expect(one(db, `SELECT count(*) AS n FROM (SELECT enrolment_id, date FROM monitoring_checkins GROUP BY 1, 2 HAVING count(*) > 1)`)).toBe(0);
    expect(one(db, `SELECT count(*) AS n FROM monitoring_checkins WHERE status = 'answered'`)).toBeGreaterThan(one(db, `SELECT count(*) AS n FROM monitoring_checkins WHERE status = 'missed'`));
    // Escalations a tracer sees: symptoms, and contacts who stopped answering; contacts who turned positive are cases in the chain.
    expect(one(db, `SELECT count(*) AS n FROM escalations WHERE detail = 'symptomatic_contact'`)).toBe(one(db, `SELECT count(*) AS n FROM monitoring_enrolments WHERE symptomatic_at IS NOT NULL`));
    expect(one(db, `SELECT count(*) AS n FROM escalations WHERE reason = 'contact_unresponsive'`)).toBeGreaterThan(0);
    expect(one(db, `SELECT count(*) AS n FROM cases c JOIN monitoring_enrolments e ON e.became_case_id = c.id WHERE c.source_contact_id = e.contact_id`)).toBe(m.became_case);
    expect(one(db, `SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL`)).toBe(0);

    const d = dashboard(createRepositories(db), { from: '2026-03-03', to: '2026-03-10', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW });
    expect(d.followUp.notified.share).toBeGreaterThan(0.5);
    expect(d.followUp.notified.share).toBeLessThan(1);
    expect(d.followUp.checkIns.rate).toBeGreaterThan(0.5);
    expect(d.followUp.becameCases.cases).toBe(m.became_case);
    expect(d.followUp.knownContacts.wereContacts).toBeGreaterThan(0);
  }, 120_000);
});
