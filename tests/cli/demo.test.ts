import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { tempDb } from '../support/temp-db.js';
import { createRepositories, type Db } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { chainGraph, dashboard, likelyDuplicates } from '../../src/services/coordinator/index.js';
import { verifyPassword } from '../../src/services/accounts/index.js';

const NOW = Date.parse('2026-03-10T03:00:00Z');
const all = <T>(db: Db, sql: string) => db.$client.prepare(sql).all() as T[];
const one = (db: Db, sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;

describe('demo data', () => {
  it('fills an empty database with a living week of Jakarta tracing', () => {
    const { db } = tempDb();
    const repos = createRepositories(db);
    const r = runDemo(db, { now: NOW, seed: 42 });
    if (!r.ok) throw new Error(r.detail);
    const s = r.summary;
    // 60 confirmed by the lab, plus the contacts who turned positive in quarantine.
    expect(s.cases).toBe(60 + s.monitoring.became_case);
    expect(s.flow).toEqual({ id: 'case-interview', version: 1 });
    expect(s.completed).toBeGreaterThanOrEqual(20);
    expect(s.inProgress).toBeGreaterThan(0);
    expect(s.notReached).toBeGreaterThan(0);
    expect(s.unreachable).toBeGreaterThan(0);
    expect(s.optedOut).toBeGreaterThan(0);
    expect(s.escalations.open).toBeGreaterThan(0);
    expect(s.chains).toBeGreaterThanOrEqual(2);

    const cases = all<{ phone: string; area: string; confirmedAt: number; name: string }>(db, `SELECT phone, area, confirmed_at AS confirmedAt, name FROM cases WHERE external_id LIKE 'DKI-%'`);
    for (const c of cases) {
      expect(c.phone).toMatch(/^\+628\d{9,10}$/);
      expect(c.area).toMatch(/, Jakarta (Selatan|Timur|Barat|Utara|Pusat)$/);
      expect(c.confirmedAt).toBeGreaterThan(NOW - 7.1 * 86_400_000);
      expect(c.confirmedAt).toBeLessThan(NOW);
    }
    // Escalations a tracer would recognise: breathing trouble (urgent), a patient asking for a person, flow handoffs.
    const reasons = new Set(all<{ reason: string }>(db, `SELECT reason FROM escalations`).map((e) => e.reason));
    expect(reasons).toContain('risky_answer');
    expect(reasons).toContain('patient_asked');
    // Several patients named the same person: one contact, two exposures.
    expect(one(db, `SELECT count(*) AS n FROM (SELECT contact_id FROM exposures GROUP BY contact_id HAVING count(*) > 1)`)).toBeGreaterThanOrEqual(2);
    expect(likelyDuplicates(repos).length).toBeGreaterThanOrEqual(1);
    expect(chainGraph(repos).components.length).toBeGreaterThanOrEqual(2);
    // Transcripts exist and nothing is left to send to these made-up numbers.
    expect(one(db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`)).toBeGreaterThan(200);
    expect(one(db, `SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL`)).toBe(0);
    expect(one(db, `SELECT count(*) AS n FROM messages WHERE status = 'queued'`)).toBe(0);
    expect(one(db, `SELECT count(*) AS n FROM answers WHERE key = 'consent'`)).toBeGreaterThan(30);

    const d = dashboard(repos, { from: '2026-03-03', to: '2026-03-10', timezone: 'Asia/Jakarta', contactTarget: 15, now: NOW });
    expect(d.cases.confirmed).toBe(60 + s.monitoring.became_case);
    expect(d.medianHoursToInterview).toBeGreaterThan(0);
    expect(d.shareCompletedWithin24h).toBeGreaterThan(0);
    expect(d.shareCompletedWithin24h).toBeLessThan(1);
    expect(d.contactsPerCase.mean).toBeGreaterThan(1);
  }, 120_000);

  it('is the same for the same seed', () => {
    const { db: a } = tempDb();
    const { db: b } = tempDb();
    const ra = runDemo(a, { now: NOW, seed: 7, caseCount: 20 });
    const rb = runDemo(b, { now: NOW, seed: 7, caseCount: 20 });
    expect(ra).toEqual(rb);
    const rows = (db: Db) => all(db, `SELECT external_id, name, phone, area, confirmed_at, status FROM cases ORDER BY id`);
    expect(rows(a)).toEqual(rows(b));
    const { db: c } = tempDb();
    runDemo(c, { now: NOW, seed: 8, caseCount: 20 });
    expect(rows(c)).not.toEqual(rows(a));
  }, 120_000);

  it('refuses a database that already has cases', () => {
    const { db } = tempDb();
    expect(runDemo(db, { now: NOW, seed: 1, caseCount: 5 }).ok).toBe(true);
    expect(runDemo(db, { now: NOW, seed: 1 })).toMatchObject({ ok: false, reason: 'not_empty' });
  }, 60_000);

  it('uses the latest published flow when there is one, and puts its own demo tracers (who cannot log in) to work', async () => {
    const { db } = tempDb();
    const source = readFileSync(new URL('../../flows/case-interview.yaml', import.meta.url), 'utf8');
    const registry = new FlowRegistry(createRepositories(db));
    registry.publish(source, 'case-interview.yaml', { origin: 'file:case-interview.yaml', now: NOW - 10 * 86_400_000 });
    registry.publish(source.replace('Semoga lekas sembuh!', 'Semoga cepat sembuh!'), 'case-interview.yaml', { origin: 'editor', now: NOW - 9 * 86_400_000 });
    const r = runDemo(db, { now: NOW, seed: 42 });
    if (!r.ok) throw new Error(r.detail);
    expect(r.summary.flow).toEqual({ id: 'case-interview', version: 2 });
    expect(all(db, `SELECT DISTINCT flow_version AS v FROM conversations WHERE flow_id = 'case-interview'`)).toEqual([{ v: 2 }]);
    expect(r.summary.escalations.pending).toBeGreaterThan(0);
    expect(r.summary.escalations.resolved).toBeGreaterThan(0);
    const demoUsers = all<{ id: number; email: string; hash: string }>(db, `SELECT id, email, password_hash AS hash FROM users`);
    expect(demoUsers.map((u) => u.email.endsWith('@demo.tracebot.invalid'))).toEqual([true, true, true]);
    for (const u of demoUsers) expect(await verifyPassword('', u.hash)).toBe(false);
    expect(one(db, `SELECT count(*) AS n FROM escalations WHERE status <> 'open' AND assignee_id IN (${demoUsers.map((u) => u.id).join(',')})`)).toBe(r.summary.escalations.pending + r.summary.escalations.resolved);
    expect(one(db, `SELECT count(*) AS n FROM audit_log WHERE actor_id IS NOT NULL AND actor_id NOT IN (${demoUsers.map((u) => u.id).join(',')})`)).toBe(0);
  }, 120_000);

  it('refuses a database with a real account or a chat, writes nothing, and says a running server may stay running', () => {
    const withUser = tempDb().db;
    withUser.$client.prepare(`INSERT INTO users (email, name, role, password_hash, max_chats) VALUES ('you@example.org', 'You', 'admin', 'x', 5)`).run();
    const r = runDemo(withUser, { now: NOW, seed: 3, caseCount: 5 });
    expect(r).toMatchObject({ ok: false, reason: 'not_empty' });
    if (!r.ok) expect(r.detail).toMatch(/1 user account.*may stay running/s);
    expect(one(withUser, `SELECT count(*) AS n FROM cases`) + one(withUser, `SELECT count(*) AS n FROM conversations`) + one(withUser, `SELECT count(*) AS n FROM audit_log`)).toBe(0);

    const withChat = tempDb().db;
    withChat.$client.prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state) VALUES ('fake', 'someone', 'case-interview', 1, '{}')`).run();
    expect(runDemo(withChat, { now: NOW, seed: 3, caseCount: 5 })).toMatchObject({ ok: false, reason: 'not_empty' });
    expect(one(withChat, `SELECT count(*) AS n FROM cases`)).toBe(0);
  }, 120_000);
});
