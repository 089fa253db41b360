import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../../src/config/index.js';
import { safeNext } from '../../src/web/routes/account.js';
import { buildTestWeb, injectLogin, postForm, seedUser, testConfig, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

const PROD = { NODE_ENV: 'production', SESSION_SECRET: 'prod-secret-prod-secret-prod-secret!', LOG_LEVEL: 'silent' };

describe('production safety', () => {
  it('marks the session cookie Secure in production even behind a TLS-terminating proxy, and warns when PUBLIC_URL is not https', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    web = await buildTestWeb({ config: parseConfig({ ...PROD, PUBLIC_URL: 'http://tracebot.example.org' }), logger });
    expect(lines.some((l) => l.includes('PUBLIC_URL is not an https:// address'))).toBe(true);
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const s = await injectLogin(web.app, u.email, u.password);
    expect(s.status).toBe(303);
    const login = await web.app.inject({ method: 'GET', url: '/login' });
    expect(String(login.headers['set-cookie'])).toMatch(/Secure/);
  });

  it('does not warn with an https PUBLIC_URL, and keeps cookies plain on a development http address', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) }));
    const prod = await buildTestWeb({ config: parseConfig({ ...PROD, PUBLIC_URL: 'https://tracebot.example.org' }), logger });
    await prod.app.close();
    expect(lines.some((l) => l.includes('PUBLIC_URL'))).toBe(false);
    web = await buildTestWeb({ config: testConfig() });
    const login = await web.app.inject({ method: 'GET', url: '/login' });
    expect(String(login.headers['set-cookie'])).not.toMatch(/Secure/);
  });

  it('never serves /phone in production, and refuses PATIENT_PHONE_PAGE=on there', async () => {
    expect(parseConfig({ ...PROD }).patientPhonePage).toBe(false);
    expect(() => parseConfig({ ...PROD, PATIENT_PHONE_PAGE: 'on' })).toThrow(ConfigError);
    expect(parseConfig({ NODE_ENV: 'development', PATIENT_PHONE_PAGE: 'on' }).patientPhonePage).toBe(true);
    web = await buildTestWeb({ config: parseConfig({ ...PROD }) });
    expect((await web.app.inject({ method: 'GET', url: '/phone' })).statusCode).toBe(404);
  });
});

describe('the login next', () => {
  it('accepts only a same-site path', () => {
    expect(safeNext('/inbox/c/12?x=1#y')).toBe('/inbox/c/12?x=1#y');
    for (const bad of ['//evil.example', '/\\evil.example', '/\\/evil.example', '/ok\\..\\x', 'https://evil.example', 'evil', '/\t/evil.example', '/\n/evil.example', '/x\u0000', '/x\u007f', '', undefined]) {
      expect(safeNext(bad), JSON.stringify(bad)).toBe('/inbox');
    }
  });

  it('carries a safe next through the login form and drops an unsafe one', async () => {
    web = await buildTestWeb();
    const form = await web.app.inject({ method: 'GET', url: '/login?next=%2F%09%2Fevil.example' });
    expect(form.body).toContain('name="next" value="/inbox"');
    const ok = await web.app.inject({ method: 'GET', url: '/login?next=%2Fcoord%2Fcases' });
    expect(ok.body).toContain('name="next" value="/coord/cases"');
  });
});

describe('choosing one’s own password (first sign-in)', () => {
  it('welcomes rather than warns, does not ask for the one-time password again, and shows no navigation until done', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'baru@example.org', role: 'coordinator', mustChangePassword: true });
    const s = await injectLogin(web.app, u.email, u.password);
    const page = await web.app.inject({ method: 'GET', url: '/account/password', headers: { cookie: s.cookie } });
    expect(page.body).toContain('class="flash info"');
    expect(page.body).not.toContain('class="flash error"');
    expect(page.body).not.toContain('name="current"');
    expect(page.body).not.toContain('href="/coord/dashboard"');
    expect(page.body).not.toContain('href="/inbox">Inbox');
    expect(page.body).toContain('action="/logout"');
    const done = await postForm(web.app, '/account/password', s.cookie, { _csrf: s.csrf, next: 'my own long password', confirm: 'my own long password' });
    expect(done.statusCode).toBe(303);
    const later = await web.app.inject({ method: 'GET', url: '/account/password', headers: { cookie: s.cookie } });
    expect(later.body).toContain('name="current"');
    expect(later.body).toContain('href="/coord/dashboard"');
    // The one-time password cannot be reused as the new one.
    const u2 = await seedUser(web.db, { email: 'baru2@example.org', role: 'tracer', mustChangePassword: true, password: 'the one-time pw' });
    const s2 = await injectLogin(web.app, u2.email, u2.password);
    expect((await postForm(web.app, '/account/password', s2.cookie, { _csrf: s2.csrf, next: 'the one-time pw', confirm: 'the one-time pw' })).statusCode).toBe(400);
  });
});
