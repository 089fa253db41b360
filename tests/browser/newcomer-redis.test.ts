import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { schema } from '../../src/db/index.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { seedUser } from '../support/seed.js';
import { eventually, repoRoot, startTestSystem } from '../support/system.js';

// What tripped a newcomer (issue 14), in a real browser over the whole system: a web-published flow survives a restart,
// list answers read as tables, and a finished chat without a case can be found and linked to one.
type Sys = Awaited<ReturnType<typeof startTestSystem>>;
let browser: Browser;
let sys: Sys;
let flowsDir: string;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-newcomer-'));
const contexts: BrowserContext[] = [];
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, `newcomer-${name}.png`), fullPage: true });
};
const cspErrors: string[] = [];

const start = () => startTestSystem(inject('redisUrl'), { DATA_DIR: dataDir, FLOWS_DIR: flowsDir });

beforeAll(async () => {
  flowsDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-flows-'));
  cpSync(path.join(repoRoot, 'flows'), flowsDir, { recursive: true });
  [browser, sys] = await Promise.all([launchBrowser(), start()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  expect(cspErrors).toEqual([]);
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return page;
}

const row = <T>(q: string, ...args: unknown[]) => sys.db.$client.prepare(q).get(...args) as T | undefined;
const latest = () => row<{ v: number }>(`SELECT max(version) AS v FROM flow_versions WHERE flow_id = 'case-interview' AND status = 'published'`)!.v;
const CM = "document.querySelector('.CodeMirror').CodeMirror";
const MARK = '# published from the web editor (v2)';

describe('a newcomer in a browser', () => {
  it('publishes v2 of the interview in the web editor; after a restart v2 is still live; a changed file is shown as a conflict', async () => {
    expect(latest()).toBe(1);
    const citra = await seedUser(sys.db, { email: 'citra@example.org', role: 'coordinator', name: 'Citra' });
    let page = await newPage();
    await logIn(page, sys.address!, citra.email, citra.password);
    await page.goto(`${sys.address}/coord/flows/case-interview`);
    await page.waitForSelector('.CodeMirror');
    await page.evaluate(`${CM}.replaceRange(${JSON.stringify(`${MARK}\n`)}, { line: 0, ch: 0 })`);
    await Promise.all([page.waitForURL(/ok=published_ok/), page.click('#publish')]);
    expect(latest()).toBe(2);

    // Restart the whole system on the same data folder and the same (unchanged) flow files.
    await sys.stop();
    sys = await start();
    expect(latest()).toBe(2);
    page = await newPage();
    await logIn(page, sys.address!, citra.email, citra.password);
    await page.goto(`${sys.address}/coord/flows/case-interview`);
    await page.waitForSelector('.CodeMirror');
    expect(await page.evaluate(`${CM}.getValue()`)).toContain(MARK);
    expect(await page.textContent('#versions tr[data-version="2"]')).toContain('Citra');
    expect(await page.locator('#versions tr[data-version="2"] .badge.live').count()).toBe(1);
    expect(await page.locator('.flow-conflict').count()).toBe(0);

    // Someone edits the file on the server too: the web version stays live and the coordinator is told.
    const file = path.join(flowsDir, 'case-interview.yaml');
    writeFileSync(file, `# edited on the server\n${readFileSync(file, 'utf8')}`);
    await page.goto(`${sys.address}/coord/flows`);
    expect(await page.textContent('.flow-conflict[data-flow="case-interview"]')).toContain('case-interview.yaml');
    expect(await page.getAttribute('.flow-conflict', 'data-live-version')).toBe('2');
    await shot(page, 'flow-conflict');
    expect(latest()).toBe(2);
    await page.goto(`${sys.address}/coord/flows/case-interview`);
    await Promise.all([page.waitForURL(/ok=flow_file_published/), page.click('.flow-conflict button[type=submit]')]);
    expect(latest()).toBe(3);
    expect(await page.locator('.flow-conflict').count()).toBe(0);
  }, 180_000);

  it('shows a case’s collected lists as tables with readable words, never [object Object]', async () => {
    const dina = await seedUser(sys.db, { email: 'dina@example.org', role: 'coordinator', name: 'Dina', language: 'id' });
    const kase = sys.db.insert(schema.cases).values({ externalId: 'JKT-0042', name: 'Budi Santoso', phone: '+6281200001111', confirmedAt: Date.now(), status: 'completed' }).returning().get();
    const conv = sys.db.insert(schema.conversations).values({ channel: 'fake', channelUserId: '+6281200001111', caseId: kase.id, flowId: 'case-interview', flowVersion: 1, stepId: null, state: '{}', owner: 'closed', closedReason: 'completed' }).returning().get();
    const contacts = [
      { name: 'Siti Aminah', phone: '+6281311112222', setting: 'household', last_contact: '2026-11-18', symptoms: false },
      { name: 'Andi', setting: 'workplace', last_contact: '2026-11-17', symptoms: true },
    ];
    sys.db.insert(schema.answers).values([
      { conversationId: conv.id, caseId: kase.id, key: 'has_symptoms', value: 'true', stepId: 'has_symptoms' },
      { conversationId: conv.id, caseId: kase.id, key: 'symptoms', value: JSON.stringify(['fever', 'breathing']), stepId: 'symptoms' },
      { conversationId: conv.id, caseId: kase.id, key: 'contacts', value: JSON.stringify(contacts), stepId: 'contacts' },
    ]).run();
    const page = await newPage();
    await logIn(page, sys.address!, dina.email, dina.password);
    await page.goto(`${sys.address}/coord/cases/${kase.id}`);
    await shot(page, 'case-answers');
    const answers = `${await page.textContent('#case-answers')}\n${await page.textContent('#case-answer-lists')}`;
    expect(answers).not.toContain('[object Object]');
    expect(answers).not.toMatch(/has_symptoms|household|breathing\b/);
    expect(answers).toContain('Demam, Sesak napas');
    const cells = (await page.evaluate(`[...document.querySelectorAll('#case-answer-lists table.answer-list tr')].map((r) => [...r.children].map((c) => c.textContent).join('|'))`)) as string[];
    expect(await page.textContent('#case-answer-lists h2')).toBe('Kontak erat');
    expect(cells).toEqual(['Nama|Nomor HP|Tempat bertemu|Kontak terakhir|Gejala', 'Siti Aminah|+6281311112222|Serumah|18 Nov 2026|tidak', 'Andi|—|Tempat kerja|17 Nov 2026|ya']);
  }, 60_000);

  // An unverified patient's chat that Tia held and finished: she may open it, find it again and link it to its case.
  it('finds a finished chat without a case in "all conversations" and a tracer links it to its case', async () => {
    const tia = await seedUser(sys.db, { email: 'tia@example.org', role: 'tracer', name: 'Tia' });
    const kase = sys.db.insert(schema.cases).values({ externalId: 'JKT-0077', name: 'Rina Wati', phone: '+6285600007777', confirmedAt: Date.now(), status: 'new' }).returning().get();
    const lists = { contacts: [{ name: 'Joko Susilo', phone: '+6281399990000', setting: 'household' }] };
    const state = { lang: 'id', status: 'completed', stepId: null, answers: {}, lists, collect: null, invalid: 0, reminders: 0, confirmingStop: false, case: {} };
    const conv = sys.db
      .insert(schema.conversations)
      .values({ channel: 'fake', channelUserId: '+6285699998888', caseId: null, flowId: 'case-interview', flowVersion: 1, stepId: null, state: JSON.stringify(state), owner: 'closed', closedReason: 'resolved', assigneeId: tia.id, lastInboundAt: Date.now() })
      .returning()
      .get();
    sys.db.insert(schema.answers).values({ conversationId: conv.id, caseId: null, key: 'contacts', value: JSON.stringify(lists.contacts), stepId: 'contacts' }).run();
    const page = await newPage();
    await logIn(page, sys.address!, tia.email, tia.password);
    // Before it is linked, the chat's own page shows the contacts it collected.
    await page.goto(`${sys.address}/inbox/c/${conv.id}`);
    expect(await page.textContent('#chat-lists')).toMatch(/Joko Susilo.*\+6281399990000.*Same household/s);
    await page.goto(`${sys.address}/inbox`);
    await page.click('nav.nav a[href="/inbox/all"]');
    await page.fill('#all-conv-filter input[name=q]', '0856 9999 8888');
    await page.selectOption('#all-conv-filter select[name=status]', 'closed');
    await Promise.all([page.waitForURL(/status=closed/), page.click('#all-conv-filter button[type=submit]')]);
    await shot(page, 'all-conversations');
    const rows = page.locator('#all-conversations tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-conversation-id')).toBe(String(conv.id));
    await page.fill(`tr[data-conversation-id="${conv.id}"] input[name=case]`, 'JKT-0077');
    await Promise.all([page.waitForURL(/ok=all_conv_linked/), page.click(`tr[data-conversation-id="${conv.id}"] .link-case button`)]);
    expect(await page.textContent('.flash.ok')).toBeTruthy();
    await page.fill('#all-conv-filter input[name=q]', 'Rina');
    await Promise.all([page.waitForURL(/q=Rina/), page.click('#all-conv-filter button[type=submit]')]);
    expect(await page.textContent(`tr[data-conversation-id="${conv.id}"]`)).toContain('JKT-0077');
    await eventually(() => row<{ n: number }>(`SELECT count(*) AS n FROM exposures WHERE case_id = ?`, kase.id)!.n || undefined, 'the contact joined the case');
    expect(row<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'conversation.link_case' AND actor_id = ?`, tia.id)!.n).toBe(1);
  }, 60_000);
});
