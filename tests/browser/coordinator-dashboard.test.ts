import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { buildTestWeb, seedUser, type TestWeb } from '../support/seed.js';
import { insertCase, insertContact, insertExposure, insertUser } from '../services/coordinator/support.js';

// The dashboard over a hand-computed fixture, read off the rendered page in a real browser (server clock fixed).
const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-03-09T12:00:00Z'); // 19:00 in Jakarta
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;

let browser: Browser;
let web: TestWeb;
let base: string;

function escalation(db: Db, e: { status: 'open' | 'pending' | 'resolved'; assigneeId?: number | null; waitingSince: number; resolvedAt?: number }): void {
  const conv = db.$client
    .prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('fake', ?, 'f', 1, '{}', 'closed') RETURNING id`)
    .get(`u${Math.random()}`) as { id: number };
  db.$client
    .prepare(`INSERT INTO escalations (conversation_id, reason, status, assignee_id, waiting_since, resolved_at, created_at, updated_at) VALUES (?, 'patient_asked', ?, ?, ?, ?, ?, ?)`)
    .run(conv.id, e.status, e.assigneeId ?? null, e.waitingSince, e.resolvedAt ?? null, e.waitingSince, e.waitingSince);
}

/**
 * Range 8–9 March 2026, Jakarta (UTC+7). Confirmed in range: C1 (done in 6 h, 3 contacts), C2 (done in 30 h, 1 contact),
 * C3 (done in 12 h), C4 (reached, 2 contacts, not done), C5 (unreachable); C6 and C7 fall just outside.
 * So: 5 confirmed, 4 reached, 3 completed; median hours 12 (6, 12, 30); within 24 h 2 of 5 = 40%; contacts per interviewed
 * case (3 + 1 + 0) / 3 = 1.33, median 1, target 2 met by 1 of 3. Escalations: open E1 0.5 h, E2 1.5 h, E3 10 h, E6 1 h
 * waiting (median 1 h 15 min, longest 10 h); pending E4, E5 (Ani); raised in range 8; resolved in range E7 (Budi), E9 (Ani).
 */
function fixture(db: Db) {
  const c1 = insertCase(db, { externalId: 'C1', confirmedAt: at('2026-03-08T01:00:00Z'), firstReachedAt: at('2026-03-08T02:00:00Z'), completedAt: at('2026-03-08T07:00:00Z') });
  const c2 = insertCase(db, { externalId: 'C2', confirmedAt: at('2026-03-08T10:00:00Z'), firstReachedAt: at('2026-03-08T12:00:00Z'), completedAt: at('2026-03-09T16:00:00Z') });
  insertCase(db, { externalId: 'C3', confirmedAt: at('2026-03-08T18:00:00Z'), firstReachedAt: at('2026-03-08T19:00:00Z'), completedAt: at('2026-03-09T06:00:00Z') });
  const c4 = insertCase(db, { externalId: 'C4', confirmedAt: at('2026-03-09T05:00:00Z'), firstReachedAt: at('2026-03-09T06:00:00Z') });
  insertCase(db, { externalId: 'C5', confirmedAt: at('2026-03-09T08:00:00Z'), status: 'unreachable' });
  insertCase(db, { externalId: 'C6', confirmedAt: at('2026-03-07T16:59:00Z'), firstReachedAt: at('2026-03-07T17:30:00Z'), completedAt: at('2026-03-07T18:00:00Z') });
  insertCase(db, { externalId: 'C7', confirmedAt: at('2026-03-09T17:00:00Z') });
  for (let k = 0; k < 3; k++) insertExposure(db, { caseId: c1, contactId: insertContact(db, { name: `K1-${k}` }), createdAt: at('2026-03-08T07:00:00Z') });
  insertExposure(db, { caseId: c2, contactId: insertContact(db, { name: 'K2' }), createdAt: at('2026-03-09T16:00:00Z') });
  for (let k = 0; k < 2; k++) insertExposure(db, { caseId: c4, contactId: insertContact(db, { name: `K4-${k}` }), createdAt: at('2026-03-09T17:30:00Z') });
  const ani = insertUser(db, { name: 'Ani' });
  const budi = insertUser(db, { name: 'Budi' });
  const citra = insertUser(db, { name: 'Citra', role: 'coordinator' });
  escalation(db, { status: 'open', waitingSince: NOW - 0.5 * H });
  escalation(db, { status: 'open', waitingSince: NOW - 1.5 * H });
  escalation(db, { status: 'open', waitingSince: NOW - 10 * H });
  escalation(db, { status: 'pending', assigneeId: ani, waitingSince: at('2026-03-08T05:00:00Z') });
  escalation(db, { status: 'pending', assigneeId: ani, waitingSince: at('2026-03-08T06:00:00Z') });
  escalation(db, { status: 'open', assigneeId: budi, waitingSince: NOW - 1 * H });
  escalation(db, { status: 'resolved', assigneeId: budi, waitingSince: at('2026-03-08T08:00:00Z'), resolvedAt: at('2026-03-08T09:00:00Z') });
  escalation(db, { status: 'resolved', assigneeId: citra, waitingSince: at('2026-03-07T09:00:00Z'), resolvedAt: at('2026-03-07T10:00:00Z') });
  escalation(db, { status: 'resolved', assigneeId: ani, waitingSince: at('2026-03-09T10:00:00Z'), resolvedAt: at('2026-03-09T11:00:00Z') });
  return { ani, budi };
}

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
