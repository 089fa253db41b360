import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { delayAfter, THROTTLE } from '../../src/services/accounts/index.js';
import { buildTestWeb, cookieJar, injectLogin, postForm, seedUser, totpCode, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/**
 * One password attempt from `ip` with the given cookie jar (a browser), through the real form. fastify's inject sets
 * the client address from `remoteAddress`.
 */
async function attempt(w: TestWeb, email: string, password: string, ip: string, jar = cookieJar()) {
  const form = await w.app.inject({ method: 'GET', url: '/login', remoteAddress: ip, headers: { cookie: jar.header() } });
  jar.take(form);
  const res = await w.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: csrfOf(form.body) }).toString(),
  });
  jar.take(res);
  return { status: res.statusCode, location: res.headers.location as string | undefined, message: /<p class="flash error"[^>]*>([^<]*)</.exec(res.body)?.[1], jar };
}

async function secondStep(w: TestWeb, jar: ReturnType<typeof cookieJar>, ip: string, code: string) {
  const page = await w.app.inject({ method: 'GET', url: '/login/two-factor?next=%2Finbox', remoteAddress: ip, headers: { cookie: jar.header() } });
  jar.take(page);
  const res = await w.app.inject({ method: 'POST', url: '/login/two-factor', remoteAddress: ip, headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ code, _csrf: csrfOf(page.body), next: '/inbox' }).toString() });
  jar.take(res);
  return res;
}

describe('sign-in throttle', () => {
  it('grows the wait with each failure past the free ones, up to 15 minutes', () => {
    expect([1, 2, 3].map((n) => delayAfter(n, THROTTLE.accountFree))).toEqual([0, 0, 0]);
    expect([4, 5, 6].map((n) => delayAfter(n, THROTTLE.accountFree))).toEqual([2000, 4000, 8000]);
    expect(delayAfter(40, THROTTLE.accountFree)).toBe(15 * 60 * 1000);
  });

  it('answers an unknown email, a wrong password and a throttled account with the same status and words', async () => {
    let now = 1_800_000_000_000;
    web = await buildTestWeb({ clock: () => now });
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const unknown = await attempt(web, 'nobody@example.org', 'whatever-password', '10.0.0.1');
    const wrong = await attempt(web, u.email, 'wrong-password-1', '10.0.0.2');
    for (let i = 0; i < 4; i++) await attempt(web, u.email, `wrong-${i}`, '10.0.0.3');
    const throttled = await attempt(web, u.email, u.password, '10.0.0.4');
    // Failures 1-3 are free, the 4th makes the next attempt wait 2 s: the 5th wrong one and the right one were both refused unread.
    expect(web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'login_throttled')).all()).toHaveLength(2);
    for (const r of [unknown, wrong, throttled]) {
      expect(r.status).toBe(401);
      expect(r.message).toBe(unknown.message);
    }
    expect(unknown.message).toContain('terlalu banyak percobaan');
    // Unknown emails are counted and slowed like real ones, so the delay does not reveal which accounts exist.
    for (let i = 0; i < 4; i++) await attempt(web, 'nobody@example.org', `x-${i}`, '10.0.0.5');
    const rows = web.db.$client.prepare(`SELECT key, count(*) AS n FROM login_failures GROUP BY key`).all() as { key: string; n: number }[];
    expect(rows.filter((r) => r.key.startsWith('account:')).map((r) => r.n).sort()).toEqual([4, 4]);
    expect(rows.every((r) => !r.key.includes('@'))).toBe(true);
    now += 1;
    expect((await attempt(web, 'nobody@example.org', 'x', '10.0.0.6')).status).toBe(401);
  });

  it('slows one address trying many accounts, not the same accounts from elsewhere', async () => {
    const now = 1_800_000_000_000;
    web = await buildTestWeb({ clock: () => now });
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    for (let i = 0; i <= THROTTLE.ipFree; i++) await attempt(web, `guess${i}@example.org`, 'password123', '203.0.113.9');
    expect((await attempt(web, u.email, u.password, '203.0.113.9')).status).toBe(401);
    expect((await attempt(web, u.email, u.password, '198.51.100.7')).status).toBe(303);
  });

  it('lets the owner in with the right password and code from their own browser while an attacker hammers the account', async () => {
    let now = 1_800_000_000_000;
    web = await buildTestWeb({ clock: () => now });
    const owner = await seedUser(web.db, { email: 'kepala@example.org', role: 'coordinator', twoFactor: true });
    // The owner signed in from this browser yesterday: it holds the device cookie.
    const browser = cookieJar();
    const first = await attempt(web, owner.email, owner.password, '192.0.2.10', browser);
    expect(first.location).toContain('/login/two-factor');
    expect((await secondStep(web, browser, '192.0.2.10', totpCode(now))).statusCode).toBe(303);
    now += 24 * 60 * 60 * 1000;

    for (let i = 0; i < 12; i++) await attempt(web, owner.email, `guess-${i}`, `198.18.0.${i + 1}`);
    // A fresh browser (the attacker's, or the owner's new laptop) waits...
    expect((await attempt(web, owner.email, owner.password, '192.0.2.99')).status).toBe(401);
    // ...the owner's browser does not: right password, then the right code.
    const back = await attempt(web, owner.email, owner.password, '192.0.2.10', browser);
    expect(back.status).toBe(303);
    expect(back.location).toContain('/login/two-factor');
    const done = await secondStep(web, browser, '192.0.2.10', totpCode(now));
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/inbox');
  });

  it('counts wrong second-factor codes like wrong passwords', async () => {
    const now = 1_800_000_000_000;
    web = await buildTestWeb({ clock: () => now });
    const u = await seedUser(web.db, { email: 'k@example.org', role: 'coordinator', twoFactor: true });
    const wrongCode = totpCode(now) === '123456' ? '654321' : '123456';
    for (let i = 0; i < 4; i++) {
      const p = await attempt(web, u.email, u.password, '192.0.2.20');
      if (p.status === 303) await secondStep(web, p.jar, '192.0.2.20', wrongCode);
    }
    // Now even the right password is refused for a while, with the usual answer.
    expect((await attempt(web, u.email, u.password, '192.0.2.20')).status).toBe(401);
  });

  it('lifts the wait when an admin resets the password, and the reset and a change end the user’s other sessions', async () => {
    let now = 1_800_000_000_000;
    web = await buildTestWeb({ clock: () => now });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const laptop = await injectLogin(web.app, u.email, u.password);
    const phone = await injectLogin(web.app, u.email, u.password);
    // A change keeps the session that made it and ends the other one.
    const changed = await postForm(web.app, '/account/password', laptop.cookie, { _csrf: laptop.csrf, current: u.password, next: 'a new long passphrase', confirm: 'a new long passphrase' });
    expect(changed.statusCode).toBe(303);
    expect((await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: laptop.cookie } })).statusCode).toBe(200);
    expect((await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: phone.cookie } })).headers.location).toMatch(/^\/login/);

    for (let i = 0; i < 8; i++) await attempt(web, u.email, `wrong-${i}`, `198.18.1.${i + 1}`);
    expect((await attempt(web, u.email, 'a new long passphrase', '192.0.2.30')).status).toBe(401);
    now += 1000;
    const a = await injectLogin(web.app, admin.email, admin.password, { at: now });
    const reset = await postForm(web.app, `/admin/users/${u.id}/reset`, a.cookie, { _csrf: a.csrf });
    const otp = /tia@example\.org: ([A-Za-z0-9]{16})/.exec(reset.body)![1]!;
    expect((await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: laptop.cookie } })).headers.location).toMatch(/^\/login/);
    const after = await attempt(web, u.email, otp, '192.0.2.30');
    expect(after.status).toBe(303);
    expect(after.location).toBe('/account/password');
  });
});
