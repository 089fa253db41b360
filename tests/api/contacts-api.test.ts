import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/services/api-tokens.js';
import { recordTestResult, type MonitoringActions } from '../../src/services/monitoring/index.js';
import { apiRoutes } from '../../src/web/api/api-routes.js';
import { buildTestWeb, type TestWeb } from '../support/seed.js';
import { loopHarness } from '../services/monitoring/harness.js';
import { postJson } from './support.js';

const SITI = '+6281234500001';

describe('the contacts API: monitoring status and lab results', () => {
  const h = loopHarness('2026-11-30T10:00:00');
  let web: TestWeb;
  let token: string;
  let contactId: number;

  beforeAll(async () => {
    const x = h.name('LAB-1', { name: 'Siti Aminah', phone: SITI }, '2026-11-30');
    h.tick();
    h.notifyAndConfirm(h.stores.monitoring.activeByContact(x.contactId)!.id, SITI, 'Siti Aminah');
    h.tick('2026-12-01T08:00:00');
    contactId = x.contactId;
    const clock = () => h.now;
    // What the running system gives the API (MonitoringScheduler), minus Redis: the service, then its follow-ups here.
    const monitoring: MonitoringActions = {
      recordTestResult: async (id, r, actor) => {
        const out = recordTestResult(h.stores, id, r, actor, { policy: h.policy(), now: h.now, startCodeTtlMs: 86_400_000 });
        if (out.kind === 'recorded') h.run(out.followUps);
        return out;
      },
    };
    web = await buildTestWeb({ db: h.db, clock, plugins: [apiRoutes({ db: h.db, clock, timezone: 'Asia/Jakarta', defaultCountry: 'ID', startCodeTtlMs: 86_400_000, monitoring })] });
    token = createApiToken(h.stores, 'lab', 'coordinator', h.now).token;
  });
  afterAll(async () => {
    await web.app.close();
  });

  const get = (url: string) => web.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('shows a contact with their monitoring status and check-ins', async () => {
    const res = await get(`/api/v1/contacts/${contactId}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: contactId, name: 'Siti Aminah', phone: SITI, monitoring: { status: 'active', stage: 'monitoring', quarantineEnd: '2026-12-05', lastExposureDate: '2026-11-30' } });
    expect(body.monitoring.checkins).toEqual([expect.objectContaining({ date: '2026-12-01', day: 1, status: 'sent' })]);
    expect((await get('/api/v1/contacts/424242')).statusCode).toBe(404);
    expect((await web.app.inject({ method: 'GET', url: `/api/v1/contacts/${contactId}` })).statusCode).toBe(401);
  });

  it('answers 404 for an unknown contact and 400 for a bad body, and records a result once', async () => {
    expect((await postJson(web.app, token, '/api/v1/contacts/424242/test-results', { result: 'positive', testedAt: '2026-12-01' })).statusCode).toBe(404);
    const bad = await postJson(web.app, token, `/api/v1/contacts/${contactId}/test-results`, { result: 'maybe', testedAt: '2026-13-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((p: { field: string }) => p.field).sort()).toEqual(['result', 'testedAt']);
    const first = await postJson(web.app, token, `/api/v1/contacts/${contactId}/test-results`, { result: 'positive', testedAt: '2026-12-01' });
    const second = await postJson(web.app, token, `/api/v1/contacts/${contactId}/test-results`, { result: 'positive', testedAt: '2026-12-01T09:00:00+07:00' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ recorded: true, duplicate: false });
    expect(second.json()).toMatchObject({ recorded: false, duplicate: true, caseId: first.json().caseId });
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM cases WHERE source_contact_id = ?`).get(contactId)).toEqual({ n: 1 });
    const after = (await get(`/api/v1/contacts/${contactId}`)).json();
    expect(after.monitoring).toMatchObject({ status: 'became_case', stage: 'became_case', testResult: 'positive', resultSource: 'api', becameCaseId: first.json().caseId });
  });
});
