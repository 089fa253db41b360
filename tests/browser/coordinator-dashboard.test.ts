import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, logIn } from '../support/browser.js';
import { buildTestWeb, seedUser, type TestWeb } from '../support/seed.js';
import { NOW, fixture } from '../services/coordinator/dashboard-fixture.js';

// The dashboard over a hand-computed fixture, read off the rendered page in a real browser (server clock fixed).
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;

let browser: Browser;
let web: TestWeb;
let base: string;

beforeAll(async () => {
  browser = await launchBrowser();
  web = await buildTestWeb({ clock: () => NOW });
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
});

const login = (page: Page, email: string, password: string) => logIn(page, base, email, password);

describe('the dashboard in a browser', () => {
  it('shows the figures of a hand-computed fixture, the daily bars, the tracers’ workload and CSV exports', async () => {
    const { ani, budi } = fixture(web.db);
    const me = await seedUser(web.db, { email: 'dina@example.org', role: 'coordinator', name: 'Dina' });
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await login(page, me.email, me.password);
    await page.click('nav.nav a[href="/coord/dashboard"]');
    await page.fill('input[name=from]', '2026-03-08');
    await page.fill('input[name=to]', '2026-03-09');
    await page.fill('input[name=target]', '2');
    await Promise.all([page.waitForURL(/from=2026-03-08/), page.click('.range-form button[type=submit]')]);

    const fig = (id: string) => page.textContent(`#fig-${id}`);
    expect(await fig('confirmed')).toBe('5');
    expect(await fig('reached')).toBe('4');
    expect(await fig('completed')).toBe('3');
    expect(await fig('median-hours')).toBe('12');
    expect(await fig('within-24h')).toBe('40%');
    expect(await fig('contacts-per-case')).toBe('1.33');
    expect(await page.textContent('[data-figure=contacts-per-case] .figure-sub')).toContain('target 2 · median 1 · 1 of 3');
    expect(await fig('unreachable')).toBe('1');
    expect(await fig('esc-open')).toBe('4');
    expect(await fig('esc-pending')).toBe('2');
    expect(await fig('esc-median-wait')).toBe('1 h 15 min');
    expect(await fig('esc-oldest')).toBe('10 h 0 min');
    expect(await fig('esc-raised')).toBe('8');
    expect(await fig('esc-resolved')).toBe('2');
    const bars = (await page.evaluate(`[...document.querySelectorAll('rect.bar')].map((r) => ['data-series', 'data-label', 'data-value'].map((n) => r.getAttribute(n)).join('|'))`)) as string[];
    expect(bars).toEqual(expect.arrayContaining(['Confirmed|03-08|2', 'Confirmed|03-09|3', 'Interview completed|03-08|2', 'Interview completed|03-09|1', 'within 24 h|03-08|1', 'within 24 h|03-09|1']));
    const workload = (await page.evaluate(`[...document.querySelectorAll('#workload tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent).join('|'))`)) as string[];
    expect(workload).toEqual(['Ani|2|0|1', 'Budi|0|1|1']);
    expect(await page.getAttribute(`#workload tr[data-user-id="${ani}"]`, 'data-user-id')).toBe(String(ani));
    expect(budi).toBeGreaterThan(ani);
    if (shots) await page.screenshot({ path: path.join(shots, 'coord-dashboard.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/coord/exports/cases.csv?from="]')]);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((s) => {
        let text = '';
        s.on('data', (c: Buffer) => (text += c.toString('utf8')));
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
    });
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^case_id,external_id,name/);
    expect(lines.slice(1).map((l) => l.split(',')[1]).sort()).toEqual(['C1', 'C2', 'C3', 'C4', 'C5']);
    expect(csp).toEqual([]);
    await ctx.close();
  });
});
