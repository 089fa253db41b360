import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { runTokensCommand } from '../../src/cli/tokens.js';
import { runUsersCommand } from '../../src/cli/users.js';
import { createRepositories, schema } from '../../src/db/index.js';
import { verifyApiToken } from '../../src/services/api-tokens.js';
import { buildTestWeb, injectLogin, postForm, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb | undefined;
afterEach(async () => {
  await web?.app.close();
  web = undefined;
});

function io() {
  const o = { out: '', err: '' };
  return { o, streams: { out: { write: (s: string) => (o.out += s) }, err: { write: (s: string) => (o.err += s) } } };
}

describe('users CLI: areas', () => {
  it('adds a tracer with areas (codes or names), changes them, and refuses unknown ones', async () => {
    web = await buildTestWeb();
    const a = io();
    expect(await runUsersCommand(['add', '--role', 'tracer', '--area', '31.74,Cakung', 'tia@example.org'], { db: web.db, now: 1, ...a.streams })).toBe(0);
    expect(a.o.out).toContain('in 31.74, 31.75.cakung');
    const row = () => web!.db.select().from(schema.users).where(eq(schema.users.email, 'tia@example.org')).get()!;
    expect(JSON.parse(row().areas)).toEqual(['31.74', '31.75.cakung']);
    const b = io();
    expect(await runUsersCommand(['add', '--role', 'tracer', '--area', 'Bandung', 'x@example.org'], { db: web.db, now: 1, ...b.streams })).toBe(1);
    expect(b.o.err).toContain('Bandung');
    expect(await runUsersCommand(['areas', 'tia@example.org', '--area', '31.71'], { db: web.db, now: 2, ...io().streams })).toBe(0);
    expect(JSON.parse(row().areas)).toEqual(['31.71']);
    const list = io();
    await runUsersCommand(['list'], { db: web.db, now: 3, ...list.streams });
    expect(list.o.out).toContain('tia@example.org\ttracer\tactive\t31.71\tno-2fa');
  });

  it('lets an admin set areas on the users page', async () => {
    web = await buildTestWeb();
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    const t = await seedUser(web.db, { email: 't@example.org', role: 'tracer' });
    const s = await injectLogin(web.app, admin.email, admin.password);
    const page = await web.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: s.cookie } });
    expect(page.body).toContain('<option value="31.74.tebet">Tebet</option>');
    expect((await postForm(web.app, `/admin/users/${t.id}`, s.cookie, { _csrf: s.csrf, areas: '31.72, Tebet' })).statusCode).toBe(303);
    expect(JSON.parse(web.db.select().from(schema.users).where(eq(schema.users.id, t.id)).get()!.areas)).toEqual(['31.72', '31.74.tebet']);
    const bad = await postForm(web.app, `/admin/users/${t.id}`, s.cookie, { _csrf: s.csrf, areas: 'Narnia' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Narnia');
    const created = await postForm(web.app, '/admin/users', s.cookie, { _csrf: s.csrf, email: 'k@example.org', role: 'coordinator', areas: '31.73' });
    expect(created.statusCode).toBe(200);
    expect(JSON.parse(web.db.select().from(schema.users).where(eq(schema.users.email, 'k@example.org')).get()!.areas)).toEqual(['31.73']);
  });
});

describe('tokens CLI and admin page', () => {
  it('creates, lists (name, role, created, last used) and revokes by name; a revoked token no longer opens the API', async () => {
    web = await buildTestWeb();
    const made = io();
    expect(runTokensCommand(['create', 'lab-sync', '--role', 'admin'], { db: web.db, now: Date.UTC(2026, 10, 1), ...made.streams })).toBe(0);
    const token = made.o.out.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^tb_/);
    runTokensCommand(['create', 'dashboard'], { db: web.db, now: Date.UTC(2026, 10, 2), ...io().streams });
    const list = io();
    expect(runTokensCommand(['list'], { db: web.db, now: 0, ...list.streams })).toBe(0);
    expect(list.o.out).toContain('lab-sync\tadmin\t2026-11-01T00:00:00.000Z\t-\t-');
    expect(list.o.out).toContain('dashboard\tcoordinator\t2026-11-02T00:00:00.000Z');
    expect(list.o.out).not.toContain(token);

    expect(verifyApiToken(createRepositories(web.db), token, 5)?.name).toBe('lab-sync');
    const revoked = io();
    expect(runTokensCommand(['revoke', 'lab-sync'], { db: web.db, now: Date.UTC(2026, 10, 3), ...revoked.streams })).toBe(0);
    expect(revoked.o.out).toContain('revoked 1 token named lab-sync');
    expect(runTokensCommand(['revoke', 'lab-sync'], { db: web.db, now: Date.UTC(2026, 10, 3), ...io().streams })).toBe(1);
    const after = io();
    runTokensCommand(['list'], { db: web.db, now: 0, ...after.streams });
    expect(after.o.out).toContain('lab-sync\tadmin\t2026-11-01T00:00:00.000Z\t1970-01-01T00:00:00.005Z\t2026-11-03T00:00:00.000Z');
    expect(verifyApiToken(createRepositories(web.db), token, 6)).toBeUndefined();
    expect(web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'token_revoke')).all()).toHaveLength(1);
  });

  it('shows admins every token with its last use, and revokes one from the page', async () => {
    web = await buildTestWeb();
    runTokensCommand(['create', 'lab-sync'], { db: web.db, now: Date.now(), ...io().streams });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    const s = await injectLogin(web.app, admin.email, admin.password);
    const page = await web.app.inject({ method: 'GET', url: '/admin/tokens', headers: { cookie: s.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('lab-sync');
    expect(page.body).toContain('never');
    const id = /data-token-id="(\d+)"/.exec(page.body)![1]!;
    const res = await postForm(web.app, `/admin/tokens/${id}/revoke`, s.cookie, { _csrf: s.csrf });
    expect(res.statusCode).toBe(200);
    expect(web.db.select().from(schema.apiTokens).get()!.revokedAt).not.toBeNull();
    const tracer = await seedUser(web.db, { email: 't@example.org', role: 'tracer' });
    const ts = await injectLogin(web.app, tracer.email, tracer.password);
    expect((await web.app.inject({ method: 'GET', url: '/admin/tokens', headers: { cookie: ts.cookie, accept: 'text/html' } })).statusCode).toBe(403);
  });
});
