import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyRoutes } from '../../src/web/routes/privacy.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { buildTestWeb, seedConversation, seedInbound, seedUser, tempDb, type TestWeb } from '../support/seed.js';

// An admin answers a person's request in a real browser, in Bahasa Indonesia: look up, read, erase in two steps.
// The real clock: the sign-in's authenticator code is computed from it.
const NOW = Date.now();
let browser: Browser;
let web: TestWeb;
let base: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const { db } = tempDb();
  const clock = () => NOW;
  web = await buildTestWeb({ db, clock, plugins: [privacyRoutes({ db, clock, timezone: 'Asia/Jakarta', defaultCountry: 'ID', retentionDays: 90 })] });
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
});

describe('the privacy page in a browser', () => {
  it('shows an admin what is held about a phone number, erases it after a second confirmation, and then shows nothing', async () => {
    const chat = seedConversation(web.db, { name: 'Siti Aminah', now: NOW - 86_400_000 });
    seedInbound(web.db, chat.conversationId, 'saya batuk sejak senin', NOW - 86_000_000);
    web.db.$client.prepare(`UPDATE conversations SET owner = 'closed' WHERE id = ?`).run(chat.conversationId);
    const phone = (web.db.$client.prepare(`SELECT phone FROM cases WHERE id = ?`).get(chat.caseId) as { phone: string }).phone;
    const admin = await seedUser(web.db, { email: 'adi@example.org', role: 'admin', name: 'Adi', language: 'id' });

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await logIn(page, base, admin.email, admin.password);
    await page.click('nav.nav a[href="/admin/privacy"]');
    expect(await page.textContent('h1')).toBe('Privasi: data seseorang');
    expect(await page.textContent('main')).toContain('90 hari');

    // Typed as people write it locally.
    await page.fill('input[name=q]', phone.replace('+62', '0'));
    await Promise.all([page.waitForURL(/\/admin\/privacy\/subject/), page.click('form[action="/admin/privacy/subject"] button[type=submit]')]);
    // Looked up by POST: the number is in no address the browser keeps.
    expect(page.url()).toBe(`${base}/admin/privacy/subject`);
    const shown = (await page.textContent('main'))!;
    for (const s of ['Siti Aminah', phone, 'saya batuk sejak senin', 'household_size']) expect(shown).toContain(s);
    expect(await page.locator('.privacy-chat').count()).toBe(1);
    // Field names and senders in the admin's language, times in the office's time zone.
    for (const s of ['Telepon', 'Tanggal lahir', 'Pasien', 'Terakhir diubah']) expect(shown).toContain(s);

    await Promise.all([page.waitForURL(/\/admin\/privacy\/erase$/), page.click('.privacy-erase button[type=submit]')]);
    expect(await page.textContent('.privacy-will-remove')).toContain('1 percakapan');
    await page.fill('input[name=q]', phone);
    await Promise.all([page.waitForURL(/\/admin\/privacy\/erase\/confirm$/), page.click('form[action="/admin/privacy/erase/confirm"] button[type=submit]')]);
    expect(await page.textContent('.flash.ok')).toContain('Terhapus: 1 percakapan, 1 kasus');

    await page.fill('input[name=q]', phone);
    await Promise.all([page.waitForURL(/\/admin\/privacy\/subject/), page.click('form[action="/admin/privacy/subject"] button[type=submit]')]);
    expect(await page.textContent('.privacy-nothing')).toBe('Tidak ada data pribadi yang disimpan tentang orang ini.');
    const after = (await page.textContent('main'))!;
    expect(after).not.toContain('Siti Aminah');
    expect(after).not.toContain('saya batuk');
    expect(csp).toEqual([]);
    await ctx.close();
  }, 60_000);
});
