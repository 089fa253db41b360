import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestWeb, injectLogin, postForm, seedUser, type TestWeb } from '../support/seed.js';
import { FOLLOW_UP_NOW, followUpFixture } from '../services/coordinator/follow-up-fixture.js';

// Who may see contact follow-up: the monitoring page and the policy are coordinators' (audited); the call list is every
// tracer's; strangers go to the login; a form without the session's CSRF token changes nothing.
let w: TestWeb;
let tracer: { cookie: string; csrf: string };
let coord: { cookie: string; csrf: string };
let fx: ReturnType<typeof followUpFixture>;

beforeAll(async () => {
  w = await buildTestWeb({ clock: () => FOLLOW_UP_NOW });
  fx = followUpFixture(w.db);
  const t = await seedUser(w.db, { email: 'ani@example.org', role: 'tracer' });
  const c = await seedUser(w.db, { email: 'dina@example.org', role: 'coordinator' });
  tracer = await injectLogin(w.app, t.email, t.password);
  coord = await injectLogin(w.app, c.email, c.password);
});
afterAll(async () => {
  await w?.app.close();
});

const get = (url: string, cookie?: string) => w.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });
const outcome = (contactId: number) => (w.db.$client.prepare(`SELECT call_outcome AS o FROM monitoring_enrolments WHERE contact_id = ?`).get(contactId) as { o: string | null }).o;

describe('contact follow-up pages', () => {
  it('send strangers to the login and give tracers 403 on the monitoring page and the policy', async () => {
    for (const url of ['/coord/monitoring', '/inbox/calls']) {
      const anon = await get(url);
      expect(anon.statusCode, url).toBe(303);
      expect(anon.headers.location).toMatch(/^\/login/);
    }
    expect((await get('/coord/monitoring', tracer.cookie)).statusCode).toBe(403);
    expect((await postForm(w.app, '/coord/monitoring/policy', tracer.cookie, { _csrf: tracer.csrf, quarantineDays: '14', entryTestDay: '1', exitTestDay: '5', checkinHour: '8' })).statusCode).toBe(403);
    expect((await get('/inbox/calls', tracer.cookie)).statusCode).toBe(200);
    const page = await get('/coord/monitoring', coord.cookie);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Dewi Saputra');
  });

  it('changes nothing for a form without the session’s CSRF token', async () => {
    const res = await postForm(w.app, `/inbox/calls/1`, tracer.cookie, { outcome: 'reached' });
    expect(res.statusCode).toBe(403);
    expect(outcome(fx.c5)).toBeNull();
    const policy = await postForm(w.app, '/coord/monitoring/policy', coord.cookie, { quarantineDays: '14', entryTestDay: '1', exitTestDay: '5', checkinHour: '8' });
    expect(policy.statusCode).toBe(403);
    expect(w.db.$client.prepare(`SELECT count(*) AS n FROM settings WHERE key = 'monitoring.policy'`).get()).toEqual({ n: 0 });
  });

  it('answers an unknown call task or outcome without writing anything', async () => {
    const unknown = await postForm(w.app, '/inbox/calls/99999', tracer.cookie, { _csrf: tracer.csrf, outcome: 'reached' });
    expect(unknown.headers.location).toBe('/inbox/calls?err=mon_call_gone');
    const bad = await postForm(w.app, '/inbox/calls/1', tracer.cookie, { _csrf: tracer.csrf, outcome: 'maybe' });
    expect(bad.headers.location).toBe('/inbox/calls?err=mon_call_gone');
    expect(w.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.call_outcome'`).get()).toEqual({ n: 0 });
  });

  it('offers no lab-result form where no monitoring runtime can carry out a result, and refuses one posted anyway', async () => {
    const res = await postForm(w.app, `/inbox/contacts/${fx.c3}/test-result`, tracer.cookie, { _csrf: tracer.csrf, result: 'positive', testedAt: '2026-03-08', back: '1' });
    expect(res.statusCode).toBe(404);
    expect(w.db.$client.prepare(`SELECT count(*) AS n FROM cases WHERE source_contact_id = ?`).get(fx.c3)).toEqual({ n: 0 });
  });

  it('shows staff limited to areas only their areas: the call list filtered, the office-wide roster refused', async () => {
    const east = await seedUser(w.db, { email: 'timur@example.org', role: 'tracer', areas: ['31.75'] });
    const south = await seedUser(w.db, { email: 'selatan@example.org', role: 'tracer', areas: ['31.74'] });
    const coordEast = await seedUser(w.db, { email: 'coord.timur@example.org', role: 'coordinator', areas: ['31.75'] });
    const e = await injectLogin(w.app, east.email, east.password);
    const s = await injectLogin(w.app, south.email, south.password);
    const c = await injectLogin(w.app, coordEast.email, coordEast.password);
    expect((await get('/inbox/calls', e.cookie)).body).not.toContain('Sri Utami');
    expect((await get('/inbox/calls', s.cookie)).body).toContain('Sri Utami');
    const enrolment = (w.db.$client.prepare(`SELECT id FROM monitoring_enrolments WHERE contact_id = ?`).get(fx.c5) as { id: number }).id;
    const refused = await postForm(w.app, `/inbox/calls/${enrolment}`, e.cookie, { _csrf: e.csrf, outcome: 'wrong_number' });
    expect(refused.headers.location).toBe('/inbox/calls?err=mon_call_gone');
    expect(outcome(fx.c5)).toBeNull();
    expect((await get('/coord/monitoring', c.cookie)).statusCode).toBe(403);
  });
});
