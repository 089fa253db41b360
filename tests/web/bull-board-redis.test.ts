import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { injectLogin, seedUser } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('Bull Board at /admin/queues', () => {
  let sys: Sys;
  let admin: { cookie: string };
  let tracer: { cookie: string };

  beforeAll(async () => {
    // Web only, with the fake channel configured: this process never sends, yet the board shows the outbound queue.
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'web', FAKE_CHANNEL: 'on', OUTREACH_CHANNEL: 'fake' });
    const a = await seedUser(sys.db, { email: 'admin@example.org', role: 'admin' });
    const t = await seedUser(sys.db, { email: 'tracer@example.org', role: 'tracer' });
    admin = await injectLogin(sys.web!, a.email, a.password);
    tracer = await injectLogin(sys.web!, t.email, t.password);
  });
  afterAll(async () => {
    await sys.stop();
  });

  const board = (method: 'GET' | 'PUT', url: string, cookie: string, headers: Record<string, string> = {}) =>
    sys.web!.inject({ method, url: `/admin/queues${url}`, headers: { cookie, accept: 'application/json', ...headers } });

  it('lists every queue, including the outbound, outreach and contact follow-up queues', async () => {
    const res = await board('GET', '/api/queues', admin.cookie);
    expect(res.statusCode).toBe(200);
    const names = (res.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['events', 'mailbox-drains', 'monitoring', 'outbound-fake', 'outreach', 'timers', 'webhooks']);
  });

  it("lets a signed-in admin use the board's actions from the board's own page (same origin, no CSRF token)", async () => {
    const pause = await board('PUT', '/api/queues/webhooks/pause', admin.cookie, { 'sec-fetch-site': 'same-origin', origin: 'http://localhost' });
    expect(pause.statusCode).toBe(200);
    expect(await sys.pipeline.queues().find((q) => q.name === 'webhooks')!.isPaused()).toBe(true);
    // Older browsers send no Sec-Fetch-Site: then the Origin must be this host.
    const resume = await board('PUT', '/api/queues/webhooks/resume', admin.cookie, { origin: 'http://localhost:80', host: 'localhost:80' });
    expect(resume.statusCode).toBe(200);
    expect(await sys.pipeline.queues().find((q) => q.name === 'webhooks')!.isPaused()).toBe(false);
  });

  it('refuses the same action from another site, or with no origin at all, and from a tracer', async () => {
    const queue = sys.pipeline.queues().find((q) => q.name === 'events')!;
    expect((await board('PUT', '/api/queues/events/pause', admin.cookie, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await board('PUT', '/api/queues/events/pause', admin.cookie, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await board('PUT', '/api/queues/events/pause', admin.cookie)).statusCode).toBe(403);
    expect((await board('PUT', '/api/queues/events/pause', tracer.cookie, { 'sec-fetch-site': 'same-origin' })).statusCode).toBe(403);
    expect(await queue.isPaused()).toBe(false);
  });

  it('serves its pages with the same security headers as the rest of the app', async () => {
    const page = await sys.web!.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: admin.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', 'cache-control': 'no-store' });
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
    const api = await board('GET', '/api/queues', admin.cookie);
    expect(api.headers['x-frame-options']).toBe('DENY');
  });
});
