import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { buildTestWeb, cookieJar, injectLogin, postForm, seedUser, totpCode, TEST_TOTP_SECRET, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/** Password step through the real form; returns the jar and where it led. */
async function passwordStep(w: TestWeb, email: string, password: string) {
  const jar = cookieJar();
  const form = await w.app.inject({ method: 'GET', url: '/login' });
  jar.take(form);
  const res = await w.app.inject({ method: 'POST', url: '/login', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email, password, _csrf: csrfOf(form.body), next: '/coord/cases' }).toString() });
  jar.take(res);
  return { jar, res };
}

async function codeStep(w: TestWeb, jar: ReturnType<typeof cookieJar>, code: string) {
  const page = await w.app.inject({ method: 'GET', url: '/login/two-factor?next=%2Fcoord%2Fcases', headers: { cookie: jar.header() } });
  jar.take(page);
  const res = await w.app.inject({ method: 'POST', url: '/login/two-factor', headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ code, _csrf: csrfOf(page.body), next: '/coord/cases' }).toString() });
  jar.take(res);
  return res;
}

const sessions = (w: TestWeb) => w.db.select().from(schema.sessions).all();

describe('two-step sign-in (TOTP)', () => {
  it('asks for the authenticator code after the right password, and signs in only with a right code', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'koor@example.org', role: 'coordinator', twoFactor: true });
    const { jar, res } = await passwordStep(web, u.email, u.password);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login/two-factor?next=%2Fcoord%2Fcases');
    expect(sessions(web)).toHaveLength(0);
    // The pending step alone opens nothing.
    expect((await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: jar.header() } })).headers.location).toMatch(/^\/login/);
    const wrong = await codeStep(web, jar, '000000' === totpCode() ? '111111' : '000000');
    expect(wrong.statusCode).toBe(401);
    expect(sessions(web)).toHaveLength(0);
    const code = totpCode();
    const ok = await codeStep(web, jar, code);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/coord/cases');
    expect(sessions(web)).toHaveLength(1);
    // A code works once: seen over a shoulder or replayed, it opens nothing; the app's next code does.
    const replay = await passwordStep(web, u.email, u.password);
    expect((await codeStep(web, replay.jar, code)).statusCode).toBe(401);
    expect((await codeStep(web, replay.jar, totpCode(Date.now() + 30_000))).statusCode).toBe(303);
    expect(sessions(web)).toHaveLength(2);
  });

  it('lets a user turn it on with the key shown on the page (a real code computed with otpauth), and prints recovery codes once', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const s = await injectLogin(web.app, u.email, u.password);
    const page = await web.app.inject({ method: 'GET', url: '/account/two-factor', headers: { cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(page.body)![1]!;
    expect(page.body).toContain('otpauth://totp/');
    expect(page.body).toMatch(/<img class="qr" src="data:image\/png;base64,/);
    const app = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    const bad = await postForm(web.app, '/account/two-factor', s.cookie, { _csrf: s.csrf, secret, code: app.generate({ timestamp: Date.now() - 10 * 60_000 }) });
    expect(bad.statusCode).toBe(400);
    const on = await postForm(web.app, '/account/two-factor', s.cookie, { _csrf: s.csrf, secret, code: app.generate() });
    expect(on.statusCode).toBe(200);
    const codes = [...on.body.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    const row = web.db.select().from(schema.users).where(eq(schema.users.id, u.id)).get()!;
    expect(row.totpSecret).toBe(secret);
    // Only hashes of the recovery codes are kept.
    for (const c of codes) expect(row.recoveryCodes).not.toContain(c);

    // A recovery code signs in once, then no more.
    const first = await passwordStep(web, u.email, u.password);
    expect((await codeStep(web, first.jar, codes[0]!)).statusCode).toBe(303);
    const again = await passwordStep(web, u.email, u.password);
    expect((await codeStep(web, again.jar, codes[0]!)).statusCode).toBe(401);
    expect(web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'recovery_code_used')).all()).toHaveLength(1);
  });

  it('requires it of admins: an admin without it is sent to set it up, with no navigation, before anything else', async () => {
    web = await buildTestWeb();
    const a = await seedUser(web.db, { email: 'admin@example.org', role: 'admin', twoFactor: false });
    const s = await injectLogin(web.app, a.email, a.password);
    expect(s.location).toBe('/account/two-factor');
    const users = await web.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: s.cookie, accept: 'text/html' } });
    expect(users.statusCode).toBe(303);
    expect(users.headers.location).toBe('/account/two-factor');
    const setup = await web.app.inject({ method: 'GET', url: '/account/two-factor', headers: { cookie: s.cookie } });
    expect(setup.body).toContain('Administrators must use two-step sign-in');
    expect(setup.body).not.toContain('href="/admin/users"');
    expect(setup.body).not.toContain('href="/inbox">Inbox');
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(setup.body)![1]!;
    const on = await postForm(web.app, '/account/two-factor', s.cookie, { _csrf: s.csrf, secret, code: totpCode(Date.now(), secret) });
    expect(on.statusCode).toBe(200);
    expect((await web.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    // Admins cannot turn it off for themselves.
    expect((await postForm(web.app, '/account/two-factor/off', s.cookie, { _csrf: s.csrf, password: a.password })).statusCode).toBe(400);
  });

  it('signs a seeded admin in through both steps with the test authenticator', async () => {
    web = await buildTestWeb();
    const a = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    expect(a.totpSecret).toBe(TEST_TOTP_SECRET);
    const s = await injectLogin(web.app, a.email, a.password);
    expect(s.status).toBe(303);
    expect((await web.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: s.cookie } })).statusCode).toBe(200);
  });
});
