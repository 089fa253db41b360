import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { openEscalation } from '../../src/services/inbox/index.js';
import { getMonitoringPolicy, recordTestResult } from '../../src/services/monitoring/index.js';
import { insertContact } from '../services/coordinator/support.js';
import { FOLLOW_UP_NOW, followUpFixture, insertCheckin, insertEnrolment } from '../services/coordinator/follow-up-fixture.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { buildTestWeb, seedUser, testConfig, type TestWeb } from '../support/seed.js';

// Contact follow-up in a real browser, server clock fixed at 9 March 2026 19:00 Jakarta: a coordinator reads today's roster,
// filters it by area, changes the check-in hour and sees the send-time warning; a tracer works a call task and reads a
// contact's check-ins on the conversation page.
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;
const at = (iso: string) => Date.parse(iso);

let browser: Browser;
let web: TestWeb;
let base: string;
let fx: ReturnType<typeof followUpFixture>;

beforeAll(async () => {
  browser = await launchBrowser();
  // A linked WhatsApp phone at 1 message a minute, so a few dozen check-ins already show the warning.
  const config = testConfig({ OUTREACH_CHANNEL: 'whatsapp', WHATSAPP_RATE_PER_MINUTE: '1' });
  // The system's monitoring actions without its queues: the real service, whose after-commit effects nobody carries out here.
  const monitoring = {
    recordTestResult: async (contactId: number, r: { result: 'positive' | 'negative'; testedAt: string }, actor: { kind: 'user' | 'token'; id: number | null; ip?: string | null }) => {
      const repos = createRepositories(web.db);
      return recordTestResult(repos, contactId, r, actor, { policy: getMonitoringPolicy(repos, config.monitoringPolicy), now: FOLLOW_UP_NOW, startCodeTtlMs: 86_400_000 });
    },
  };
  web = await buildTestWeb({ clock: () => FOLLOW_UP_NOW, config, monitoring });
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
  fx = followUpFixture(web.db);
  // Released two days ago: not on today's roster.
  insertEnrolment(web.db, { contactId: insertContact(web.db, { name: 'Hadi Nasution', area: 'Tebet, Jakarta Selatan' }), elicitedAt: at('2026-03-01T01:00:00Z'), notifiedAt: at('2026-03-01T02:00:00Z'), status: 'released', closedAt: at('2026-03-07T01:00:00Z') });
  // Thirty more contacts in quarantine in Koja with today's check-in planned: 31 check-ins today, 62 messages.
  for (let i = 0; i < 30; i++) {
    const contactId = insertContact(web.db, { name: `Kontak Koja ${i}`, area: 'Koja, Jakarta Utara', phone: `+62813000000${String(i).padStart(2, '0')}` });
    const e = insertEnrolment(web.db, { contactId, elicitedAt: at('2026-03-08T02:00:00Z'), notifiedAt: at('2026-03-08T02:05:00Z'), repliedAt: at('2026-03-08T02:10:00Z') });
    insertCheckin(web.db, { enrolmentId: e, date: '2026-03-09', day: 2 });
  }
});
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
});

const chip = (page: Page, stage: string) => page.textContent(`#stage-chips a[data-stage="${stage}"] .n`);
const count = (sql: string, ...args: unknown[]) => (web.db.$client.prepare(sql).get(...args) as { n: number }).n;

describe('contact follow-up in a browser', () => {
  it('shows today’s roster by stage and area, and warns when a later check-in hour pushes sending past midnight', async () => {
    const me = await seedUser(web.db, { email: 'dina@example.org', role: 'coordinator', name: 'Dina' });
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await ctx.newPage();
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await logIn(page, base, me.email, me.password);
    await Promise.all([page.waitForURL(/\/coord\/monitoring/), page.click('nav.nav a[href="/coord/monitoring"]')]);

    expect(await page.textContent('h1')).toBe('Contact follow-up');
    expect(await chip(page, 'all')).toBe('38');
    expect(await chip(page, 'enrolled')).toBe('1');
    expect(await chip(page, 'needs_call')).toBe('1');
    expect(await chip(page, 'notified')).toBe('1');
    expect(await chip(page, 'monitoring')).toBe('31');
    expect(await chip(page, 'symptomatic')).toBe('1');
    expect(await chip(page, 'released')).toBe('1');
    expect(await chip(page, 'became_case')).toBe('1');
    expect(await chip(page, 'closed')).toBe('1');

    // Day 2 of 5 for the contact with symptoms (last exposure 7 March), with their unanswered check-in of yesterday shown as the latest sent.
    const symptomatic = page.locator('#roster tr[data-stage="symptomatic"]');
    expect(await symptomatic.locator('td').nth(0).locator('a').first().textContent()).toBe('Dewi Saputra');
    expect(await symptomatic.locator('td.day').textContent()).toContain('day 2 of 5');
    expect(await symptomatic.locator('td').nth(6).textContent()).toMatch(/^answered /);

    await page.selectOption('#area-filter', 'Cakung, Jakarta Timur');
    await Promise.all([page.waitForURL(/area=Cakung/), page.click('.area-form button[type=submit]')]);
    expect(await chip(page, 'all')).toBe('2');
    expect(await page.$$eval('#roster tbody tr', (rows) => rows.map((r) => r.getAttribute('data-stage')).sort())).toEqual(['closed', 'symptomatic']);
    await Promise.all([page.waitForURL(/stage=symptomatic/), page.click('#stage-chips a[data-stage="symptomatic"]')]);
    expect(await page.$$eval('#roster tbody tr', (rows) => rows.length)).toBe(1);

    // 31 check-ins today at 1 a minute from 08:00: 62 minutes, done by 09:02.
    await page.goto(`${base}/coord/monitoring`);
    expect(await page.getAttribute('#send-estimate', 'data-checkins')).toBe('31');
    expect(await page.getAttribute('#send-estimate', 'data-minutes')).toBe('62');
    expect(await page.textContent('#send-estimate')).toContain('09:02');
    expect(await page.$('#send-warning')).toBeNull();

    // Moving the check-in to 23:00 ends sending after midnight: the page says so.
    await page.fill('input[name=checkinHour]', '23');
    await Promise.all([page.waitForURL(/ok=mon_policy_saved/), page.click('.policy-form button[type=submit]')]);
    expect(await page.textContent('.flash.ok')).toContain('Policy saved.');
    expect(await page.textContent('#policy-current')).toContain('check-in at 23:00');
    expect(await page.getAttribute('#send-warning', 'data-status')).toBe('late');
    expect(await page.textContent('#send-estimate')).toContain('00:02 (the next day)');
    expect(count(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.policy_updated' AND actor_id = ?`, me.id)).toBe(1);

    // An exit test after the end of quarantine is refused and changes nothing.
    await page.fill('input[name=exitTestDay]', '9');
    await Promise.all([page.waitForURL(/err=mon_policy_bad/), page.click('.policy-form button[type=submit]')]);
    expect(await page.textContent('.flash.error')).toContain('Not saved');
    expect(await page.inputValue('input[name=exitTestDay]')).toBe('5');
    expect(count(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.policy_updated'`)).toBe(1);

    expect(await page.getAttribute('#monitoring-flows a[href="/coord/flows/daily-checkin"]', 'href')).toBe('/coord/flows/daily-checkin');
    if (shots) await page.screenshot({ path: path.join(shots, 'coord-monitoring.png'), fullPage: true });

    // The dashboard's follow-up card over the same data: the fixture's 3 of 5 told within 24 h, plus the thirty Koja
    // contacts told within minutes, is 33 of 35; one of the four cases confirmed was a known contact.
    await page.goto(`${base}/coord/dashboard?from=2026-03-08&to=2026-03-09`);
    expect(await page.textContent('#fig-fu-notified-24h')).toBe('94.3%');
    expect(await page.textContent('[data-figure=fu-notified-24h] .figure-sub')).toContain('33 of 35');
    expect(await page.textContent('#fig-fu-known')).toBe('25%');
    if (shots) await page.locator('#follow-up').screenshot({ path: path.join(shots, 'coord-dashboard-follow-up.png') });
    expect(csp).toEqual([]);
    await ctx.close();
  }, 120_000);

  it('lets a tracer record a call to a contact with no phone, and shows a contact’s check-ins beside their chat', async () => {
    const me = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await logIn(page, base, me.email, me.password);

    expect(await page.textContent('#call-list-link')).toContain('Contacts to call (1)');
    await Promise.all([page.waitForURL(/\/inbox\/calls$/), page.click('#call-list-link')]);
    const row = page.locator(`#call-list tr[data-contact-id="${fx.c5}"]`);
    if (shots) await page.screenshot({ path: path.join(shots, 'inbox-call-list.png'), fullPage: true });
    expect(await row.locator('td').nth(0).textContent()).toContain('Sri Utami');
    expect(await row.locator('td').nth(1).textContent()).toBe('no phoneask case A for the number: +6281299990000');
    expect(await row.locator('td').nth(3).textContent()).toBe('no phone number');
    // No answer: she stays on the list, saying when she was tried; then a second call reaches her.
    await row.locator('select[name=outcome]').selectOption('not_reached');
    await Promise.all([page.waitForURL(/ok=mon_call_saved/), row.locator('button[data-action=record-call]').click()]);
    expect(await row.locator('td').nth(5).textContent()).toContain('no answer at');
    await row.locator('select[name=outcome]').selectOption('reached');
    await Promise.all([page.waitForEvent('framenavigated'), row.locator('button[data-action=record-call]').click()]);
    expect(await page.textContent('.flash.ok')).toContain('Call recorded.');
    expect(await page.textContent('.empty')).toBe('No contact to call.');
    expect(web.db.$client.prepare(`SELECT call_outcome AS o, call_done_by AS by FROM monitoring_enrolments WHERE contact_id = ?`).get(fx.c5)).toEqual({ o: 'reached', by: me.id });
    expect(count(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.call_outcome' AND actor_id = ?`, me.id)).toBe(2);

    // The contact with symptoms escalated from their chat: the tracer sees their check-ins next to it.
    const conv = web.db.$client
      .prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('fake', '+6281200000003', 'daily-checkin', 1, '{}', 'bot') RETURNING id`)
      .get() as { id: number };
    const esc = openEscalation(createRepositories(web.db), { conversationId: conv.id, reason: 'risky_answer', detail: 'symptomatic_contact', priority: 'high' }, FOLLOW_UP_NOW - 60_000);
    expect(esc.ok).toBe(true);
    // The page re-fetches its live regions once its stream connects: let that land before filling in the side panel.
    await Promise.all([page.waitForResponse((r) => r.url().includes(`/inbox/c/${conv.id}/part/side`)), page.goto(`${base}/inbox/c/${conv.id}`)]);
    // Polled with page.evaluate: waitForFunction runs a string through eval, which the page's CSP (no 'unsafe-eval') refuses.
    const settling = "['htmx-request', 'htmx-swapping', 'htmx-settling'].some((c) => document.getElementById('conv-side').classList.contains(c))";
    await eventually(async () => ((await page.evaluate(settling)) ? undefined : true), 'the side panel settled');
    const history = page.locator('#monitoring-history');
    expect(await history.locator('.mon-contact').textContent()).toBe('Dewi Saputra · +6281200000003 · Cakung, Jakarta Timur');
    expect(await history.locator('.mon-stage').textContent()).toBe('Now: Symptoms');
    expect(await history.locator('li').evaluateAll((lis) => lis.map((li) => li.textContent))).toEqual([
      'Day 1 (2026-03-08): no answer',
      expect.stringMatching(/^Day 2 \(2026-03-09\): .+ · symptoms: cough, fever$/),
    ]);
    if (shots) await page.screenshot({ path: path.join(shots, 'inbox-contact-history.png'), fullPage: true });

    // The lab phones the tracer: Dewi's entry test was positive. She becomes a case named after the case who named her.
    await history.locator('select[name=result]').selectOption('positive');
    await history.locator('input[name=testedAt]').fill('2026-03-08');
    await Promise.all([page.waitForURL(/ok=mon_result_saved_case/), history.locator('button[data-action=record-result]').click()]);
    expect(await page.textContent('.flash.ok')).toContain('the contact is now a case');
    expect(await page.textContent('#monitoring-history .mon-stage')).toBe('Now: Became a case');
    expect(web.db.$client.prepare(`SELECT count(*) AS n FROM cases WHERE source_contact_id = ? AND test_date = '2026-03-08'`).get(fx.c3)).toEqual({ n: 1 });
    expect(count(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.test_result' AND actor_id = ?`, me.id)).toBe(1);
    expect(await page.$('#monitoring-history form')).toBeNull();
    await ctx.close();
  }, 120_000);
});
