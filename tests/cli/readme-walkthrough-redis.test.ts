import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { EnvSchema } from '../../src/config/index.js';
import { eventually, repoRoot, uniquePrefix } from '../support/system.js';

// The README's quick start, done as a newcomer does it: `npm start`, create the first admin with the CLI, log in, play a
// sample case on /phone (type its date of birth), type "petugas", take the chat over. Real processes, real HTTP, real Redis.

let server: ChildProcess | undefined;
afterEach(() => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  server = undefined;
});

/** Cookies as a browser keeps them (last value wins; cleared cookies removed). */
function cookieJar() {
  const jar = new Map<string, string>();
  return {
    take(res: Response) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        const value = pair!.slice(i + 1);
        if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(pair!.slice(0, i));
        else jar.set(pair!.slice(0, i), value);
      }
    },
    header: () => [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
  };
}

function csrfOf(body: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

describe('the README walkthrough against the real `npm start`', () => {
  it('start, create the first admin, log in, play a sample case on /phone, type "petugas", take the chat over, stop cleanly', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-readme-'));
    // Only what the walkthrough sets: none of tracebot's variables leak in from the test runner's environment.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in EnvSchema.shape)));
    const env = {
      ...inherited,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: uniquePrefix('readme'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    };

    // 1. npm start (the script is `tsx src/main.ts`; node runs it directly so SIGTERM reaches tracebot, not npm).
    server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => server!.once('exit', (code, signal) => r({ code, signal })));
    const base = await Promise.race([
      eventually(() => /tracebot is running \(.*\) at (http:\/\/\S+)/.exec(out)?.[1], 'the start-up line', 30_000),
      exited.then(({ code }) => Promise.reject(new Error(`tracebot exited during start-up (code ${code}): ${err}`))),
    ]);

    // After the JSON logs, a short notice for a person: where to go and what to do first.
    await eventually(() => (/be a patient:\s+http:\/\/\S+\/phone/.test(out) ? true : undefined), 'the next steps');
    expect(out).toContain('1. create an admin:   npm run cli -- users add --role admin you@example.org');
    // Development without SESSION_SECRET: the secret is kept in the data folder, so a restart keeps people logged in.
    expect(readFileSync(path.join(dataDir, 'session-secret'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);

    // 2. The first admin, from the CLI, against the same database; it prints a one-time password.
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'users', 'add', '--role', 'admin', 'x@example.org'], { cwd: repoRoot, env, encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const oneTime = /one-time password[^\n]*\n(\S+)/.exec(cli.stdout)?.[1];
    expect(oneTime).toBeTruthy();

    // 3. Log in through the form (CSRF cookie + field, as a browser does), then choose a new password as asked.
    const jar = cookieJar();
    const get = async (url: string) => {
      const res = await fetch(`${base}${url}`, { headers: { cookie: jar.header() }, redirect: 'manual' });
      jar.take(res);
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    };
    const post = async (url: string, fields: Record<string, string>) => {
      const res = await fetch(`${base}${url}`, {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
        redirect: 'manual',
      });
      jar.take(res);
      return { status: res.status, location: res.headers.get('location'), body: await res.text() };
    };
    expect(await get('/')).toMatchObject({ status: 303, location: '/inbox' });
    expect(await get('/inbox')).toMatchObject({ status: 303, location: '/login?next=%2Finbox' });
    const form = await get('/login?next=%2Finbox');
    expect(form.status).toBe(200);
    const login = await post('/login', { email: 'x@example.org', password: oneTime!, _csrf: csrfOf(form.body), next: '/inbox' });
    expect(login).toMatchObject({ status: 303, location: '/account/password' });
    expect((await get('/inbox')).location).toBe('/account/password');
    const pwPage = await get('/account/password');
    const changed = await post('/account/password', { current: oneTime!, next: 'a new long passphrase', confirm: 'a new long passphrase', _csrf: csrfOf(pwPage.body) });
    // An admin then turns on two-step sign-in (required for admins), with a code an authenticator app would show.
    expect(changed).toMatchObject({ status: 303, location: '/account/two-factor' });
    const enrol = await get('/account/two-factor');
    const secret = /name="secret" value="([A-Z2-7]+)"/.exec(enrol.body)?.[1];
    expect(secret).toBeTruthy();
    const code = new TOTP({ secret: Secret.fromBase32(secret!), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
    const on = await post('/account/two-factor', { secret: secret!, code, _csrf: csrfOf(enrol.body) });
    expect(on.status).toBe(200);
    expect(on.body).toContain('recovery-codes');
    expect((await get('/inbox')).status).toBe(200);

    // 4. On /phone, "Play a sample case": the patient is a real case (issue 14 bug 3). The first messages name only "Budi" and
    // ask for the date of birth (issue 17); typing it starts the interview, then the patient asks for a person.
    const phonePage = await get('/phone');
    expect(phonePage.status).toBe(200);
    expect(phonePage.body).toContain('14/03/1990');
    const played = await post('/phone/sample', { _csrf: csrfOf(phonePage.body) });
    expect(played).toMatchObject({ status: 303, location: expect.stringMatching(/^\/phone\?user=case-\d+$/) });
    const user = played.location!.split('=')[1]!;
    const bubbles = async () => [...(await get(`/phone/messages?user=${user}`)).body.matchAll(/<div class="bubble bot"[^>]*><div class="text">([^<]*)</g)].map((m) => m[1]!);
    const first = await eventually(async () => ((await bubbles()).length >= 2 ? await bubbles() : undefined), 'the identity question on the phone');
    expect(first.join(' ')).toContain('untuk Budi');
    expect(first.join(' ')).not.toMatch(/COVID|positif|Santoso|14\/03|1990/);
    expect((await post('/phone/send', { user, kind: 'text', text: 'halo' })).status).toBe(303);
    expect((await post('/phone/send', { user, kind: 'text', text: '14/03/1990' })).status).toBe(303);
    await eventually(async () => ((await bubbles()).some((b) => b.includes('Hasil tes COVID-19 Anda positif')) ? true : undefined), 'the interview greeting');
    expect((await post('/phone/send', { user, kind: 'text', text: 'petugas' })).status).toBe(303);

    // 5. The chat is in the inbox queue; the admin takes it over.
    const conversationId = await eventually(async () => {
      const list = await get('/inbox/list?view=unassigned&status=active');
      const m = /<tr class="prio-\w+" data-conversation-id="(\d+)">\s*<td[^>]*><a href="\/inbox\/c\/\d+">Budi Santoso</.exec(list.body);
      return m ? Number(m[1]) : undefined;
    }, 'the escalation in the inbox', 15_000);
    const chat = await get(`/inbox/c/${conversationId}`);
    expect(chat.body).toContain('petugas');
    const claimed = await post(`/inbox/c/${conversationId}/claim`, { _csrf: csrfOf(chat.body) });
    expect(claimed).toMatchObject({ status: 303, location: `/inbox/c/${conversationId}?ok=claimed_ok` });
    const mine = await get(`/inbox/c/${conversationId}`);
    expect(mine.body).toContain('id="reply-form"');
    expect(mine.body).toContain('data-action="hand-back"');
    expect((await get('/inbox/list?view=mine&status=active')).body).toContain(`data-conversation-id="${conversationId}"`);

    // 6. SIGTERM: drains and exits 0 within a few seconds.
    const stoppedAt = Date.now();
    server.kill('SIGTERM');
    const exit = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(exit, err).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(err).not.toMatch(/Error|unhandled/i);
  }, 90_000);
});
