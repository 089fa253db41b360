import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { launchBrowser } from '../support/browser.js';
import { buildTestWeb, seedEscalated, seedUser, type TestWeb } from '../support/seed.js';

// A new admin's first sign-in in a real browser: own password, then two-step sign-in with an authenticator (otpauth
// computes the code from the key the page shows), recovery codes, and only then the app. Then need-to-know as a tracer.
let browser: Browser;
let web: TestWeb;
let base: string;

beforeAll(async () => {
  browser = await launchBrowser();
  web = await buildTestWeb();
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
});

describe('accounts in a browser', () => {
  it('takes a new admin from the one-time password through two-step sign-in to the app, with no way around it', async () => {
    const admin = await seedUser(web.db, { email: 'kepala@example.org', role: 'admin', mustChangePassword: true, twoFactor: false, password: 'OneTimePass2345' });
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', admin.password);
    await Promise.all([page.waitForURL(/\/account\/password$/), page.click('button[type=submit]')]);
    // A welcome, not an error; the one-time password is not asked again; no navigation yet.
    expect(await page.locator('.flash.info').count()).toBe(1);
    expect(await page.locator('.flash.error').count()).toBe(0);
    expect(await page.locator('input[name=current]').count()).toBe(0);
    expect(await page.locator('nav.nav a').count()).toBe(0);
    await page.fill('input[name=next]', 'kata sandi saya sendiri');
    await page.fill('input[name=confirm]', 'kata sandi saya sendiri');
    await Promise.all([page.waitForURL(/\/account\/two-factor$/), page.click('form[action="/account/password"] button[type=submit]')]);

    // Admins must turn on two-step sign-in: the QR code renders (CSP allows data: images) and the key is shown.
    expect(await page.locator('nav.nav a').count()).toBe(0);
    expect(await page.evaluate(`document.querySelector('img.qr').naturalWidth`)).toBeGreaterThan(0);
    // Straight to the inbox is not possible yet (and the page, shown again, offers a fresh key).
    await page.goto(`${base}/inbox`);
    expect(new URL(page.url()).pathname).toBe('/account/two-factor');
    const key = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
    const app = new TOTP({ secret: Secret.fromBase32(key), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.fill('input[name=code]', app.generate());
    await page.click('form[action="/account/two-factor"] button[type=submit]');
    await page.waitForSelector('ul.recovery-codes');
    expect(await page.locator('ul.recovery-codes li').count()).toBe(10);
    await Promise.all([page.waitForURL(/\/inbox/), page.click('a.button.primary')]);
    expect(await page.locator('nav.nav a[href="/admin/tokens"]').count()).toBe(1);
    expect(web.db.select().from(schema.users).where(eq(schema.users.id, admin.id)).get()!.totpSecret).toBe(key);

    // The next sign-in asks for the app's next code (a code works once).
    await page.click('form[action="/logout"] button');
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', admin.email);
    await page.fill('input[name=password]', 'kata sandi saya sendiri');
    await Promise.all([page.waitForURL(/\/login\/two-factor/), page.click('button[type=submit]')]);
    await page.fill('input[name=code]', app.generate({ timestamp: Date.now() + 30_000 }));
    await Promise.all([page.waitForURL(/\/inbox/), page.click('button[type=submit]')]);
    expect(csp).toEqual([]);
    await ctx.close();
  });

  it('shows a tracer of another area a plain 403 page for a chat not theirs', async () => {
    const t = await seedUser(web.db, { email: 'utara@example.org', role: 'tracer', areas: ['31.72'] });
    const chat = seedEscalated(web.db, { name: 'Pasien Selatan' });
    web.db.update(schema.cases).set({ area: 'Tebet, Jakarta Selatan' }).where(eq(schema.cases.id, chat.caseId)).run();
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=email]', t.email);
    await page.fill('input[name=password]', t.password);
    await Promise.all([page.waitForURL(/\/inbox/), page.click('button[type=submit]')]);
    expect(await page.locator(`[data-conversation-id="${chat.conversationId}"]`).count()).toBe(0);
    const res = await page.goto(`${base}/inbox/c/${chat.conversationId}`);
    expect(res!.status()).toBe(403);
    expect(await page.textContent('main')).toContain('not in your areas');
    expect(await page.textContent('body')).not.toContain('Pasien Selatan');
    await ctx.close();
  });
});
