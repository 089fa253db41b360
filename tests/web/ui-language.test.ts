import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { buildTestWeb, cookieJar, seedUser, type TestWeb } from '../support/seed.js';

let web: TestWeb;
beforeAll(async () => {
  web = await buildTestWeb();
});
afterAll(async () => {
  await web.app.close();
});

const pageLang = (body: string) => /<html lang="(\w+)">/.exec(body)?.[1];

/** A browser: its cookies, and an Accept-Language saying English. */
function browser() {
  const jar = cookieJar();
  const headers = () => ({ cookie: jar.header(), 'accept-language': 'en-US,en;q=0.9' });
  return {
    async get(url: string) {
      const res = await web.app.inject({ method: 'GET', url, headers: headers() });
      jar.take(res);
      return res;
    },
    async post(url: string, fields: Record<string, string>) {
      const res = await web.app.inject({ method: 'POST', url, headers: { ...headers(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
      jar.take(res);
      return res;
    },
    async logIn(email: string, password: string) {
      const form = await this.get('/login');
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      return this.post('/login', { email, password, _csrf: token });
    },
    csrf: (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '',
  };
}

describe('the UI language, from the login page to the app', () => {
  it('after signing in once, the login page speaks the account’s language, not the browser’s', async () => {
    const u = await seedUser(web.db, { email: 'sari@example.org', role: 'tracer', language: 'id' });
    const b = browser();
    expect(pageLang((await b.get('/login')).body)).toBe('en');
    expect((await b.logIn(u.email, u.password)).statusCode).toBe(303);
    const inbox = await b.get('/inbox');
    expect(pageLang(inbox.body)).toBe('id');
    await b.post('/logout', { _csrf: b.csrf(inbox.body) });
    expect(pageLang((await b.get('/login')).body)).toBe('id');
  });

  it('a language picked on the login page becomes the account’s, and a switch in the app sticks across sessions', async () => {
    const u = await seedUser(web.db, { email: 'tono@example.org', role: 'tracer', language: 'id' });
    const b = browser();
    await b.get('/login');
    const picked = await b.get('/language/en?back=%2Flogin');
    expect(picked.statusCode).toBe(303);
    expect(picked.headers.location).toBe('/login');
    const login = await b.get('/login');
    expect(pageLang(login.body)).toBe('en');
    expect(login.body).toContain('href="/language/id?back=');
    await b.logIn(u.email, u.password);
    expect(pageLang((await b.get('/inbox')).body)).toBe('en');
    expect(createRepositories(web.db).users.get(u.id)!.language).toBe('en');

    const inbox = await b.get('/inbox');
    await b.post('/account/language', { _csrf: b.csrf(inbox.body), language: 'id' });
    expect(pageLang((await b.get('/inbox')).body)).toBe('id');
    await b.post('/logout', { _csrf: b.csrf((await b.get('/inbox')).body) });
    expect(pageLang((await b.get('/login')).body)).toBe('id');
    // A new browser: the account keeps Indonesian once signed in.
    const other = browser();
    await other.logIn(u.email, u.password);
    expect(pageLang((await other.get('/inbox')).body)).toBe('id');
  });

  it('never follows a back link off the site', async () => {
    const res = await browser().get('/language/id?back=%2F%2Fevil.example');
    expect(res.headers.location).toBe('/login');
  });
});
