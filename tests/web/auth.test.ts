import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { runUsersCommand } from '../../src/cli/users.js';
import { buildTestWeb, injectLogin, postForm, seedEscalated, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

function auditActions(w: TestWeb, action: string) {
  return w.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, action)).all();
}

describe('signing in', () => {
  it('sends a visitor without a session to the login page, remembering where they wanted to go', async () => {
    web = await buildTestWeb();
    const res = await web.app.inject({ method: 'GET', url: '/inbox?view=mine' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Finbox%3Fview%3Dmine');
  });

  it('signs a tracer in with an HttpOnly SameSite cookie whose token is stored only as a SHA-256, and audits it', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const form = await web.app.inject({ method: 'GET', url: '/login' });
    const pre = String(form.headers['set-cookie']);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const res = await web.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: pre.split(';')[0]!, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: 'TIA@example.org', password: u.password, _csrf: token }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/inbox');
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
    const session = cookies.find((c) => c.startsWith('tb_sid='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const raw = decodeURIComponent(session.split(';')[0]!.slice('tb_sid='.length));
    const tokenPart = raw.slice(0, raw.lastIndexOf('.'));
    const rows = web.db.select().from(schema.sessions).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(createHash('sha256').update(tokenPart).digest('hex'));
    expect(rows[0]!.id).not.toContain(tokenPart);
    expect(auditActions(web, 'login')).toHaveLength(1);
    const inbox = await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: session.split(';')[0]! } });
    expect(inbox.statusCode).toBe(200);
    expect(inbox.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a wrong password with a generic message and audits the failure', async () => {
    web = await buildTestWeb();
    await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const bad = await injectLogin(web.app, 'tia@example.org', 'wrong password!!');
    expect(bad.status).toBe(401);
    const unknown = await injectLogin(web.app, 'nobody@example.org', 'wrong password!!');
    expect(unknown.status).toBe(401);
    expect(auditActions(web, 'login_failed')).toHaveLength(2);
    expect(web.db.select().from(schema.sessions).all()).toHaveLength(0);
  });

  it('slows an account after failed passwords: the right password during the wait gets the same refusal as a wrong one', async () => {
    let now = 1_800_000_000_000;
    web = await buildTestWeb({ clock: () => now });
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    for (let i = 0; i < 5; i++) await injectLogin(web.app, u.email, `wrong-${i}-password`);
    const wrong = await injectLogin(web.app, u.email, 'still-wrong-password');
    const waiting = await injectLogin(web.app, u.email, u.password);
    expect(waiting.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(auditActions(web, 'login_throttled').length).toBeGreaterThanOrEqual(1);
    now += 15 * 60 * 1000;
    expect((await injectLogin(web.app, u.email, u.password)).status).toBe(303);
  });

  it('rate-limits the login form per address', async () => {
    web = await buildTestWeb({ loginRateLimit: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await injectLogin(web.app, `x${i}@example.org`, 'whatever-password')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('refuses a login form posted without its CSRF token', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const res = await web.app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ email: u.email, password: u.password }).toString(),
    });
    expect(res.statusCode).toBe(403);
    expect(web.db.select().from(schema.sessions).all()).toHaveLength(0);
  });

  it('makes a new account choose its own password before anything else', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'new@example.org', role: 'tracer', mustChangePassword: true });
    const s = await injectLogin(web.app, u.email, u.password);
    expect(s.location).toBe('/account/password');
    const inbox = await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: s.cookie } });
    expect(inbox.statusCode).toBe(303);
    expect(inbox.headers.location).toBe('/account/password');
    const short = await postForm(web.app, '/account/password', s.cookie, { _csrf: s.csrf, current: u.password, next: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    const ok = await postForm(web.app, '/account/password', s.cookie, { _csrf: s.csrf, current: u.password, next: 'a much longer secret', confirm: 'a much longer secret' });
    expect(ok.statusCode).toBe(303);
    expect((await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect(auditActions(web, 'password_change')).toHaveLength(1);
  });

  it('ends the session on logout', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const s = await injectLogin(web.app, u.email, u.password);
    const out = await postForm(web.app, '/logout', s.cookie, { _csrf: s.csrf });
    expect(out.statusCode).toBe(303);
    expect(web.db.select().from(schema.sessions).all()).toHaveLength(0);
    expect((await web.app.inject({ method: 'GET', url: '/inbox', headers: { cookie: s.cookie } })).statusCode).toBe(303);
    expect(auditActions(web, 'logout')).toHaveLength(1);
  });
});

describe('CSRF on signed-in forms', () => {
  it('rejects a claim posted without the token, or with a wrong one, and changes nothing', async () => {
    web = await buildTestWeb();
    const u = await seedUser(web.db, { email: 'tia@example.org', role: 'tracer' });
    const chat = seedEscalated(web.db);
    const s = await injectLogin(web.app, u.email, u.password);
    const none = await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, s.cookie, {});
    expect(none.statusCode).toBe(403);
    const wrong = await postForm(web.app, `/inbox/c/${chat.conversationId}/claim`, s.cookie, { _csrf: 'forged' });
    expect(wrong.statusCode).toBe(403);
    const conv = web.db.select().from(schema.conversations).where(eq(schema.conversations.id, chat.conversationId)).get()!;
    expect(conv.assigneeId).toBeNull();
    expect(auditActions(web, 'claim')).toHaveLength(0);
    const header = await web.app.inject({ method: 'POST', url: `/inbox/c/${chat.conversationId}/claim`, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'hx-request': 'true' } });
    expect(header.statusCode).toBe(303);
    expect(auditActions(web, 'claim')).toHaveLength(1);
  });
});

describe('roles', () => {
  it('keeps tracers and coordinators out of admin pages and lets admins in', async () => {
    web = await buildTestWeb();
    const tracer = await seedUser(web.db, { email: 'tracer@example.org', role: 'tracer' });
    const coord = await seedUser(web.db, { email: 'coord@example.org', role: 'coordinator' });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    for (const [u, expected] of [[tracer, 403], [coord, 403], [admin, 200]] as const) {
      const s = await injectLogin(web.app, u.email, u.password);
      for (const url of ['/admin/users', '/admin/audit']) {
        const res = await web.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
        expect(res.statusCode, `${u.role} ${url}`).toBe(expected);
      }
    }
    const s = await injectLogin(web.app, tracer.email, tracer.password);
    const create = await postForm(web.app, '/admin/users', s.cookie, { _csrf: s.csrf, email: 'evil@example.org', role: 'admin' });
    expect(create.statusCode).toBe(403);
    expect(web.db.select().from(schema.users).where(eq(schema.users.email, 'evil@example.org')).get()).toBeUndefined();
  });

  it('gives plugins a role guard (e.g. for /admin/queues): anonymous → login, tracer → 403, admin → through', async () => {
    web = await buildTestWeb({
      plugins: [
        async (app) => {
          app.addHook('onRequest', app.requireRole('admin'));
          app.get('/admin/queues', async () => 'bull-board');
        },
      ],
    });
    const tracer = await seedUser(web.db, { email: 'tracer@example.org', role: 'tracer' });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    expect((await web.app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(303);
    const t = await injectLogin(web.app, tracer.email, tracer.password);
    expect((await web.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: t.cookie } })).statusCode).toBe(403);
    const a = await injectLogin(web.app, admin.email, admin.password);
    const ok = await web.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie: a.cookie } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('bull-board');
  });

  it('lets an admin create an account with a one-time password, deactivate it and reset it, all audited', async () => {
    web = await buildTestWeb();
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    const s = await injectLogin(web.app, admin.email, admin.password);
    const created = await postForm(web.app, '/admin/users', s.cookie, { _csrf: s.csrf, email: 'budi@example.org', name: 'Budi', role: 'tracer', language: 'id', maxChats: '3' });
    expect(created.statusCode).toBe(200);
    const otp = /budi@example\.org: ([A-Za-z0-9]{16})/.exec(created.body)?.[1];
    expect(otp).toBeDefined();
    const budi = web.db.select().from(schema.users).where(eq(schema.users.email, 'budi@example.org')).get()!;
    expect(budi.mustChangePassword).toBe(true);
    expect(budi.maxChats).toBe(3);
    const login = await injectLogin(web.app, 'budi@example.org', otp!);
    expect(login.location).toBe('/account/password');
    const off = await postForm(web.app, `/admin/users/${budi.id}`, s.cookie, { _csrf: s.csrf, active: 'false' });
    expect(off.statusCode).toBe(303);
    expect((await web.app.inject({ method: 'GET', url: '/account/password', headers: { cookie: login.cookie } })).statusCode).toBe(303);
    const reset = await postForm(web.app, `/admin/users/${budi.id}/reset`, s.cookie, { _csrf: s.csrf });
    expect(reset.body).toMatch(/budi@example\.org: [A-Za-z0-9]{16}/);
    const actions = web.db.select().from(schema.auditLog).where(and(eq(schema.auditLog.entityType, 'user'), eq(schema.auditLog.entityId, String(budi.id)))).all().map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['user_create', 'user_update', 'password_reset']));
    const audit = await web.app.inject({ method: 'GET', url: '/admin/audit?action=user_create', headers: { cookie: s.cookie } });
    expect(audit.body).toContain('user_create');
    expect(audit.body).not.toContain('>login<');
  });
});

describe('users command', () => {
  it('creates the first admin and prints a one-time password that works once changed', async () => {
    web = await buildTestWeb();
    let out = '';
    const code = await runUsersCommand(['add', '--role', 'admin', 'boss@example.org', '--name', 'Boss'], { db: web.db, now: Date.now(), out: { write: (s: string) => (out += s) }, err: { write: () => true } });
    expect(code).toBe(0);
    const password = out.trim().split('\n').at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
    const s = await injectLogin(web.app, 'boss@example.org', password);
    expect(s.location).toBe('/account/password');
    const again = await runUsersCommand(['add', '--role', 'admin', 'boss@example.org'], { db: web.db, now: Date.now(), out: { write: () => true }, err: { write: () => true } });
    expect(again).toBe(1);
    expect(await runUsersCommand(['add', 'x@example.org'], { db: web.db, now: Date.now(), out: { write: () => true }, err: { write: () => true } })).toBe(2);
  });
});
