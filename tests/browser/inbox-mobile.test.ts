import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakePlatform } from '../../src/channels/fake/index.js';
import { claim } from '../../src/services/inbox/index.js';
import { createRepositories } from '../../src/db/index.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { buildTestWeb, seedEscalated, seedInbound, seedUser, type TestWeb } from '../support/seed.js';
import { eventually } from '../support/system.js';

// The inbox as a tracer meets it on a 390 px phone (cards, previews, unanswered counts, search) and at a desk (keyboard),
// and a coordinator taking over a colleague's chat. Real server and SQLite file, real Chromium under the app's CSP.
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;
let browser: Browser;
let web: TestWeb;
let base: string;
const contexts: BrowserContext[] = [];
const cspErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  web = await buildTestWeb({ fakePlatform: new FakePlatform() });
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  expect(cspErrors).toEqual([]);
});

async function newPage(width: number, height: number): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height }, hasTouch: width < 600, isMobile: width < 600 });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return page;
}
async function shot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: path.join(shots, `inbox-${name}.png`), fullPage: true });
}
const overflow = (page: Page) => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
const waitFor = (page: Page, expr: string) => eventually(async () => ((await page.evaluate(expr)) ? true : undefined), expr, 20_000);
const row = (id: number) => `#queue-list tr[data-conversation-id="${id}"]`;

describe('the inbox on a phone and at a desk', () => {
  it('shows chats as cards at 390 px with the last message, the unread count and a search by name or phone', async () => {
    const ani = await seedUser(web.db, { email: 'ani-m@example.org', role: 'tracer', name: 'Ani', language: 'id' });
    const siti = seedEscalated(web.db, { name: 'Siti Rahmawati Kusumaningrum Wulandari', priority: 'urgent' });
    const joko = seedEscalated(web.db, { name: 'Joko Susilo' });
    seedInbound(web.db, siti.conversationId, 'Saya sesak napas sejak tadi malam');
    seedInbound(web.db, siti.conversationId, 'Tolong segera dihubungi, anak saya juga batuk terus-menerus sejak kemarin sore');
    seedInbound(web.db, joko.conversationId, 'halo');

    const page = await newPage(390, 844);
    // The quick start at 390 px: the patient's phone page and the login page fit the screen too.
    await page.goto(`${base}/phone?user=kecil`);
    await page.locator('#phone-text, .phone-start').first().waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await page.goto(`${base}/login`);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    await logIn(page, base, ani.email, ani.password);
    await page.goto(`${base}/inbox?view=all`);
    const card = page.locator(row(siti.conversationId));
    await card.waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    // A card, not a table row: the header is gone and the card fits the screen.
    expect(await page.locator('#queue-list thead').isVisible()).toBe(false);
    // The page re-fetches its live regions when the live stream connects: read the card once it has settled.
    const box = await eventually(async () => (await card.boundingBox()) ?? undefined, 'the card on screen');
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await card.locator('.preview').textContent()).toContain('Tolong segera dihubungi');
    expect(await card.locator('.badge.unread').textContent()).toBe('2');
    expect(await page.locator(`${row(joko.conversationId)} .badge.unread`).textContent()).toBe('1');
    expect(await card.locator('td[data-label]').first().isVisible()).toBe(true);
    expect(await page.locator('#shortcuts').isVisible()).toBe(false); // no keyboard hints on a phone
    await shot(page, 'cards-390');
    // Opening a chat reads it: back in the queue its count is gone; the other chat's stays.
    await page.click(`${row(joko.conversationId)} a`);
    await page.locator('#owner-text').waitFor();
    await page.goto(`${base}/inbox?view=all`);
    await page.locator(row(joko.conversationId)).waitFor();
    expect(await page.locator(`${row(joko.conversationId)} .badge.unread`).count()).toBe(0);
    expect(await card.locator('.badge.unread').textContent()).toBe('2');

    // Search by the phone written the local way (the case's phone is +62…): only that chat.
    const phone = web.db.$client.prepare('SELECT phone FROM cases WHERE id = ?').get(joko.caseId) as { phone: string };
    await page.fill('#queue-q', `0${phone.phone.slice(3, 6)}-${phone.phone.slice(6)}`);
    await Promise.all([page.waitForURL(/q=/), page.click('.queue-search button[type=submit]')]);
    await page.locator(row(joko.conversationId)).waitFor();
    expect(await page.locator('#queue-list tr[data-conversation-id]').count()).toBe(1);
    await page.fill('#queue-q', 'rahmawati');
    await Promise.all([page.waitForURL(/q=rahmawati/), page.click('.queue-search button[type=submit]')]);
    await page.locator(row(siti.conversationId)).waitFor();
    expect(await page.locator('#queue-list tr[data-conversation-id]').count()).toBe(1);
    await page.fill('#queue-q', 'tidak-ada-yang-cocok');
    await Promise.all([page.waitForURL(/q=tidak/), page.click('.queue-search button[type=submit]')]);
    expect(await page.textContent('#queue-list')).toContain('Tidak ada obrolan yang cocok');

    // The chat itself at 390 px: nothing wider than the screen.
    await page.goto(`${base}/inbox/c/${siti.conversationId}`);
    await page.locator('button[data-action="claim"]').waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
  });

  it('lets a tracer at a desk move, open, claim, reply and resolve with the keyboard', async () => {
    const budi = await seedUser(web.db, { email: 'budi-k@example.org', role: 'tracer', name: 'Budi' });
    const first = seedEscalated(web.db, { name: 'Keyboard Pertama', priority: 'urgent' });
    seedEscalated(web.db, { name: 'Keyboard Kedua', priority: 'urgent', waitingSince: Date.now() + 1000 });
    const page = await newPage(1280, 860);
    await logIn(page, base, budi.email, budi.password);
    await page.goto(`${base}/inbox?view=unassigned&q=Keyboard`);
    await page.locator(row(first.conversationId)).waitFor();
    expect(await page.locator('#shortcuts').isVisible()).toBe(true);

    await page.keyboard.press('j');
    expect(await page.getAttribute(`${row(first.conversationId)}`, 'class')).toContain('kb-selected');
    await Promise.all([page.waitForURL(new RegExp(`/inbox/c/${first.conversationId}$`)), page.keyboard.press('Enter')]);
    await page.locator('button[data-action="claim"]').waitFor();
    await Promise.all([page.waitForURL(/ok=claimed_ok/), page.keyboard.press('c')]);
    expect(web.db.$client.prepare('SELECT assignee_id AS a FROM conversations WHERE id = ?').get(first.conversationId)).toEqual({ a: budi.id });

    await page.keyboard.press('r');
    await waitFor(page, "document.activeElement && document.activeElement.id === 'reply-text'");
    await page.keyboard.type('rjcn'); // shortcut letters typed into the reply box are text
    expect(await page.inputValue('#reply-text')).toBe('rjcn');
    expect(page.url()).toMatch(/ok=claimed_ok/);
    await page.keyboard.press('Escape');
    await page.keyboard.press('e');
    await waitFor(page, "document.activeElement && document.activeElement.getAttribute('name') === 'outcome'");
    await page.selectOption('select[name=outcome]', 'reached');
    await Promise.all([page.waitForURL(/inbox/), page.click('button[data-action="resolve"]')]);
    await eventually(() => (web.db.$client.prepare('SELECT owner FROM conversations WHERE id = ?').get(first.conversationId) as { owner: string }).owner === 'tracer' ? undefined : true, 'resolved');
    await shot(page, 'desk');
  });

  it('shows a coordinator who holds a chat and lets them take it over; a tracer cannot', async () => {
    const ani = await seedUser(web.db, { email: 'ani-t@example.org', role: 'tracer', name: 'Ani Wijaya' });
    const budi = await seedUser(web.db, { email: 'budi-t@example.org', role: 'tracer', name: 'Budi' });
    const dina = await seedUser(web.db, { email: 'dina-t@example.org', role: 'coordinator', name: 'Dina' });
    const chat = seedEscalated(web.db, { name: 'Dipegang Ani' });
    const claimed = claim(createRepositories(web.db), chat.conversationId, { id: ani.id, role: 'tracer' }, Date.now());
    expect(claimed.ok).toBe(true);

    const tracerPage = await newPage(1280, 860);
    await logIn(tracerPage, base, budi.email, budi.password);
    await tracerPage.goto(`${base}/inbox/c/${chat.conversationId}`);
    expect(await tracerPage.textContent('#owner-text')).toContain('Ani Wijaya');
    expect(await tracerPage.locator('button[data-action="take-over"]').count()).toBe(0);
    // Posting the action anyway is refused, and nothing changes.
    const refused = await tracerPage.evaluate(`fetch('/inbox/c/${chat.conversationId}/take-over', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '_csrf=' + encodeURIComponent(document.querySelector('input[name=_csrf]').value) }).then((r) => r.status)`);
    expect(refused).toBe(409);

    const page = await newPage(390, 844);
    await logIn(page, base, dina.email, dina.password);
    await page.goto(`${base}/inbox/c/${chat.conversationId}`);
    expect(await page.textContent('#owner-text')).toContain('Ani Wijaya');
    const button = page.locator('button[data-action="take-over"]');
    expect(await button.textContent()).toContain('Ani Wijaya');
    await Promise.all([page.waitForURL(/ok=took_over_ok/), button.click()]);
    expect(web.db.$client.prepare('SELECT owner, assignee_id AS a FROM conversations WHERE id = ?').get(chat.conversationId)).toEqual({ owner: 'tracer', a: dina.id });
    const audit = web.db.$client.prepare("SELECT actor_id AS actor, details FROM audit_log WHERE action = 'take_over' AND entity_id = ?").all(String(chat.conversationId)) as { actor: number; details: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe(dina.id);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ from: ani.id, to: dina.id });
    expect(await page.locator('button[data-action="take-over"]').count()).toBe(0);
  });
});
