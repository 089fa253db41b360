import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FakePlatform } from '../../src/channels/fake/index.js';
import { createRepositories } from '../../src/db/index.js';
import { createCases } from '../../src/services/cases.js';
import { StructuredRecords } from '../../src/services/structured-records.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { seedUser } from '../support/seed.js';
import { eventually, startTestSystem } from '../support/system.js';

// The whole system (web + worker + fake channel, real Redis and SQLite) and a real Chromium with our CSP in force: the
// coordinators' workspace as a coordinator meets it.
type Sys = Awaited<ReturnType<typeof startTestSystem>>;
let browser: Browser;
let sys: Sys;
let phone: FakePlatform;
let base: string;
const contexts: BrowserContext[] = [];
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;
const cspErrors: string[] = [];

beforeAll(async () => {
  [browser, sys] = await Promise.all([launchBrowser(), startTestSystem(inject('redisUrl'), { OUTREACH_CHANNEL: 'fake' })]);
  phone = sys.fakePlatform!;
  base = sys.address!;
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  // CodeMirror, htmx and our script must all run under the strict Content-Security-Policy.
  expect(cspErrors).toEqual([]);
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  return page;
}

let userSeq = 0;
async function coordinator(name: string) {
  return seedUser(sys.db, { email: `${name.toLowerCase()}-${++userSeq}@example.org`, role: 'coordinator', name });
}

const login = (page: Page, email: string, password: string) => logIn(page, base, email, password);

async function shot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: path.join(shots, `coord-${name}.png`), fullPage: true });
}

const row = <T>(q: string, ...args: unknown[]) => sys.db.$client.prepare(q).get(...args) as T | undefined;
const count = (q: string, ...args: unknown[]) => (sys.db.$client.prepare(q).get(...args) as { n: number }).n;
const botSaid = (user: string, n: number) => eventually(() => (phone.inbox(user).length >= n ? phone.inbox(user) : undefined), `${n} bot messages to ${user}`);

/** A case with a start code, and its patient opening the link: the interview starts on the then-latest version. */
async function patientStarts(user: string, externalId: string): Promise<void> {
  const [c] = createCases(createRepositories(sys.db), [{ externalId, name: `Patient ${externalId}`, phone: null, dateOfBirth: null, testDate: null, confirmedAt: Date.now(), language: 'en', area: null }], {
    now: Date.now(),
    startCodeTtlMs: 86_400_000,
  });
  phone.patientSends(user, { kind: 'start', code: c!.startCode! });
  // The link says whom we expect; the person proves it by typing the number on their letter (issue 17).
  await eventually(() => (phone.inbox(user).some((m) => /reference number/.test(m.text)) ? true : undefined), `identity question to ${user}`);
  phone.patientSends(user, { kind: 'text', text: externalId });
  // greeting + consent question
  await eventually(() => (phone.inbox(user).some((m) => /willing to answer/.test(m.text)) ? true : undefined), `consent question to ${user}`);
}

// CodeMirror's own API, reached through its wrapper element, is how a test reads the gutter and types into the editor.
// (Expressions are strings: this project compiles without the DOM library.)
const CM = "document.querySelector('.CodeMirror').CodeMirror";
const editorValue = (page: Page) => page.evaluate(`${CM}.getValue()`) as Promise<string>;
async function replaceInEditor(page: Page, from: string, to: string): Promise<number> {
  return (await page.evaluate(`(() => {
    const cm = ${CM}; const a = ${JSON.stringify(from)}; const i = cm.getValue().indexOf(a);
    if (i < 0) throw new Error('not in the editor: ' + a);
    cm.replaceRange(${JSON.stringify(to)}, cm.posFromIndex(i), cm.posFromIndex(i + a.length));
    return cm.getValue().slice(0, i).split('\\n').length;
  })()`)) as number; // 1-based line of the change
}
const gutterMarkers = (page: Page, line: number) =>
  page.evaluate(`(() => {
    const info = ${CM}.lineInfo(${line - 1});
    const marker = info.gutterMarkers && info.gutterMarkers['CodeMirror-lint-markers'];
    return { marker: marker ? marker.className : null, bg: info.bgClass || null };
  })()`) as Promise<{ marker: string | null; bg: string | null }>;
const attrs = (page: Page, selector: string, names: string[]) =>
  page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((el) => ${JSON.stringify(names)}.map((n) => el.getAttribute(n)).join(':'))`) as Promise<string[]>;
// waitForFunction evaluates with eval(), which our CSP forbids in the page: poll with CDP evaluation instead.
const waitFor = (page: Page, expr: string) => eventually(async () => ((await page.evaluate(expr)) ? true : undefined), expr);
const checked = (page: Page) => page.evaluate('Number(document.documentElement.dataset.checked || 0)') as Promise<number>;

describe('the flow editor in a browser', () => {
  it('shows a mistake on its line as they type, simulates the fix, publishes it, and a chat started before finishes on the old version', async () => {
    const oldUser = 'before-publish';
    await patientStarts(oldUser, 'FLOW-OLD');
    const oldConv = row<{ id: number; flow_version: number }>(`SELECT id, flow_version FROM conversations WHERE channel_user_id = ?`, oldUser)!;
    expect(oldConv.flow_version).toBe(1);

    const citra = await coordinator('Citra');
    const page = await newPage();
    await login(page, citra.email, citra.password);
    await page.click('nav.nav a[href="/coord/flows"]');
    await page.click('a[href="/coord/flows/case-interview"]');
    await page.waitForSelector('.CodeMirror');
    await waitFor(page, 'document.documentElement.dataset.checked !== undefined');
    expect(await page.textContent('#problems')).toContain('No problems');
    expect(await page.locator('#diagram svg .node').count()).toBeGreaterThan(20);

    // A typo in a branch target: the server's check (the same as flows:check) puts it on that line.
    const checksBefore = await checked(page);
    const typoLine = await replaceInEditor(page, 'next: has_symptoms\n    default: callback', 'next: has_symptom\n    default: callback');
    await waitFor(page, `Number(document.documentElement.dataset.checked) > ${checksBefore} && document.documentElement.dataset.valid === 'false'`);
    const problem = page.locator(`#problems li.problem.error[data-line="${typoLine}"]`);
    await expect.poll(() => problem.count()).toBe(1);
    expect(await problem.textContent()).toMatch(/'has_symptom'/);
    expect(await problem.textContent()).toMatch(/'has_symptoms'/); // "did you mean"
    expect(await gutterMarkers(page, typoLine)).toEqual({ marker: expect.stringContaining('CodeMirror-lint-marker-error'), bg: expect.stringContaining('line-error') });
    expect((await gutterMarkers(page, typoLine + 1)).marker).toBeNull();
    await shot(page, 'editor-error');

    // Fix it, and change the symptoms question (what v2 will ask).
    await replaceInEditor(page, 'next: has_symptom\n', 'next: has_symptoms\n');
    await replaceInEditor(page, 'en: Have you had any symptoms, such as fever', 'en: V2 symptoms check, have you had any symptoms, such as fever');
    await waitFor(page, "document.documentElement.dataset.valid === 'true'");
    expect(await gutterMarkers(page, typoLine)).toEqual({ marker: null, bg: null });

    // Simulate the text in the editor, in English, as a patient.
    await page.selectOption('#sim-start select[name=lang]', 'en');
    await page.click('#sim-start-btn');
    await page.waitForSelector('#sim-screen .bubble.bot');
    expect(await page.textContent('#sim-screen')).toContain('willing to answer');
    await page.fill('#sim-text', 'yes');
    await page.click('#sim-send');
    await waitFor(page, "/V2 symptoms check/.test(document.getElementById('sim-screen').textContent)");
    expect(await page.textContent('#sim-answers')).toContain('consent');
    await page.fill('#sim-text', 'petugas');
    await page.click('#sim-send');
    await waitFor(page, "document.getElementById('sim-status').textContent.includes('tracer')");
    expect(await page.locator('#sim-screen .sim-note.kind-escalated').count()).toBe(1);
    await shot(page, 'editor-simulator');

    // The diagram tab redraws from the same check.
    await page.click('a.side-tab[data-tab=tab-diagram]');
    expect(await page.locator('#diagram .node[data-step=has_symptoms]').count()).toBe(1);
    await shot(page, 'editor-diagram');

    // Publish: v2, by Citra.
    await Promise.all([page.waitForURL(/ok=published_ok/), page.click('#publish')]);
    expect(await page.textContent('.flash.ok')).toContain('version 2');
    await page.click('a.side-tab[data-tab=tab-versions]');
    expect(await page.textContent('#versions tr[data-version="2"]')).toContain('Citra');
    await shot(page, 'editor-versions');
    expect(row<{ n: number }>(`SELECT max(version) AS n FROM flow_versions WHERE flow_id = 'case-interview'`)!.n).toBe(2);

    // The chat started before publishing answers on and gets v1's question; a new chat gets v2's.
    const before = phone.inbox(oldUser).length;
    phone.patientSends(oldUser, { kind: 'text', text: 'yes' });
    const after = await botSaid(oldUser, before + 1);
    expect(after.at(-1)!.text).toContain('Have you had any symptoms');
    expect(after.at(-1)!.text).not.toContain('V2');
    expect(row<{ flow_version: number }>(`SELECT flow_version FROM conversations WHERE id = ?`, oldConv.id)!.flow_version).toBe(1);

    const newUser = 'after-publish';
    await patientStarts(newUser, 'FLOW-NEW');
    expect(row<{ flow_version: number }>(`SELECT flow_version FROM conversations WHERE channel_user_id = ?`, newUser)!.flow_version).toBe(2);
    const n = phone.inbox(newUser).length;
    phone.patientSends(newUser, { kind: 'text', text: 'yes' });
    expect((await botSaid(newUser, n + 1)).at(-1)!.text).toContain('V2 symptoms check');

    // The diff between v1 and v2 shows the changed line.
    await page.goto(`${base}/coord/flows/case-interview/diff?from=1&to=2`);
    expect(await page.textContent('#diff-summary')).toContain('+1');
    expect(await page.textContent('table.diff tr.add')).toContain('V2 symptoms check');
    await shot(page, 'diff');
    // The editor opens on the live version now.
    await page.goto(`${base}/coord/flows/case-interview`);
    await page.waitForSelector('.CodeMirror');
    expect(await editorValue(page)).toContain('V2 symptoms check');
  });
});

describe('case import in a browser', () => {
  it('shows every problem of a CSV with bad rows and imports nothing until confirmed, then starts outreach', async () => {
    const dewi = await coordinator('Dewi');
    const page = await newPage();
    await login(page, dewi.email, dewi.password);
    createCases(createRepositories(sys.db), [{ externalId: 'IMP-OLD', name: 'Already Here', phone: null, dateOfBirth: null, testDate: null, confirmedAt: Date.now(), language: 'id', area: null }], { now: Date.now(), startCodeTtlMs: 86_400_000 });
    const csv = [
      'id_kasus;nama;no_hp;tanggal_lahir;tanggal_tes;bahasa;wilayah',
      'IMP-1;Siti Rahma;0812-3456-7801;14/02/1985;2021-07-10;id;Tebet',
      'IMP-2;;0812-3456-7802;1990-01-01;2021-07-10;id;Tebet', // no name
      'IMP-3;Budi Santoso;12345;1990-01-01;2021-07-10;en;Menteng', // bad phone
      'IMP-4;Ani Lestari;0812-3456-7804;31/02/1990;2021-07-10;id;Menteng', // bad date
      'IMP-1;Siti Again;0812-3456-7805;1990-01-01;2021-07-10;id;Tebet', // duplicate in file
      'IMP-OLD;Already Here;0812-3456-7806;1990-01-01;2021-07-10;id;Tebet', // already in the database
      'IMP-5;Rudi Hartono;+62 813 9876 5432;;2021-07-11;english;Kemang',
    ].join('\n');
    const cases = () => count(`SELECT count(*) AS n FROM cases WHERE external_id LIKE 'IMP-%'`);
    expect(cases()).toBe(1);

    await page.click('nav.nav a[href="/coord/cases"]');
    await page.click('a[href="/coord/import"]');
    await page.setInputFiles('#csv-file', { name: 'kasus.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.waitForSelector('#preview');
    expect(await page.textContent('#count-valid')).toBe('2');
    expect(await page.textContent('#count-invalid')).toBe('5');
    const problems = await attrs(page, '#import-problems tbody tr', ['data-line', 'data-field', 'data-code']);
    expect(problems).toEqual(['3:name:missing', '4:phone:bad_phone', '5:dateOfBirth:bad_date', '6:externalId:duplicate_in_file', '7:externalId:duplicate_in_db']);
    expect(await page.textContent('#import-problems')).toContain("'12345' is not a valid phone number");
    expect(await attrs(page, '#import-valid tbody tr', ['data-line'])).toEqual(['2', '8']);
    expect(await page.textContent('#import-valid')).toContain('+6281234567801');
    await shot(page, 'import-preview');
    expect(cases()).toBe(1); // nothing written yet

    await page.click('#commit-btn');
    await page.waitForSelector('#import-done');
    expect(await page.getAttribute('#import-done', 'data-imported')).toBe('2');
    expect(await page.getAttribute('#import-done', 'data-skipped')).toBe('5');
    expect(await page.textContent('#outreach-started')).toContain('2');
    expect(await page.inputValue('#csv-text')).toBe('');
    expect(await page.locator('#imported .start-code').count()).toBe(2);
    await shot(page, 'import-done');
    expect(cases()).toBe(3);
    expect(row<{ phone: string; language: string; date_of_birth: string }>(`SELECT phone, language, date_of_birth FROM cases WHERE external_id = 'IMP-1'`)).toEqual({ phone: '+6281234567801', language: 'id', date_of_birth: '1985-02-14' });
    expect(row<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'cases.import' AND actor_id = ?`, dewi.id)!.n).toBe(1);
    // Outreach: the bot writes first to the imported numbers (the fake channel plays WhatsApp here).
    await botSaid('+6281234567801', 1);
    await botSaid('+6281398765432', 1);

    // The case page: details, a new start link shown once, outreach.
    const id = row<{ id: number }>(`SELECT id FROM cases WHERE external_id = 'IMP-5'`)!.id;
    await page.goto(`${base}/coord/cases/${id}`);
    expect(await page.textContent('h1')).toContain('Rudi Hartono');
    const hashBefore = row<{ h: string }>(`SELECT start_code_hash AS h FROM cases WHERE id = ?`, id)!.h;
    await page.click('#new-link-btn');
    await page.waitForSelector('#new-start-link .start-code');
    expect(row<{ h: string }>(`SELECT start_code_hash AS h FROM cases WHERE id = ?`, id)!.h).not.toBe(hashBefore);
    await shot(page, 'case-page');
  });

  it('shows two cases naming the same phone as one contact with two exposures, and the chain when the contact becomes a case', async () => {
    const eka = await coordinator('Eka');
    const now = Date.now();
    const created = createCases(createRepositories(sys.db), [
      { externalId: 'REG-A', name: 'Agus Salim', phone: null, dateOfBirth: null, testDate: null, confirmedAt: now, language: 'id', area: 'Tebet' },
      { externalId: 'REG-B', name: 'Bambang Wijaya', phone: null, dateOfBirth: null, testDate: null, confirmedAt: now, language: 'id', area: 'Tebet' },
    ], { now, startCodeTtlMs: 86_400_000 });
    // The pipeline's own step: each "contact collected" event becomes a contact (by phone) and an exposure.
    const records = new StructuredRecords(createRepositories(sys.db));
    const conv = (caseId: number, user: string) =>
      (sys.db.$client.prepare(`INSERT INTO conversations (channel, channel_user_id, case_id, flow_id, flow_version, state) VALUES ('fake', ?, ?, 'case-interview', 1, '{}') RETURNING id`).get(user, caseId) as { id: number }).id;
    const [a, b] = [created[0]!.id, created[1]!.id];
    records.apply('contact.elicited', { conversationId: conv(a, 'reg-a'), caseId: a, step: 'contacts', key: 'contacts', index: 0, item: { name: 'Citra Dewi', phone: '+6281311112222', setting: 'household', last_contact: '2021-07-08', symptoms: false } }, now);
    records.apply('contact.elicited', { conversationId: conv(b, 'reg-b'), caseId: b, step: 'contacts', key: 'contacts', index: 0, item: { name: 'Citra D.', phone: '+6281311112222', setting: 'workplace', last_contact: '2021-07-10', symptoms: true } }, now);
    const contact = row<{ id: number }>(`SELECT id FROM contacts WHERE phone = '+6281311112222'`)!;
    expect(count(`SELECT count(*) AS n FROM contacts WHERE phone = '+6281311112222'`)).toBe(1);
    // Later Citra is confirmed herself: her case is linked to the contact record.
    sys.db.$client.prepare(`UPDATE cases SET source_contact_id = ? WHERE id = ?`).run(contact.id, createCases(createRepositories(sys.db), [{ externalId: 'REG-C', name: 'Citra Dewi', phone: '+6281311112222', dateOfBirth: null, testDate: null, confirmedAt: now, language: 'id', area: 'Tebet' }], { now, startCodeTtlMs: 86_400_000 })[0]!.id);

    const page = await newPage();
    await login(page, eka.email, eka.password);
    await page.click('nav.nav a[href="/coord/contacts"]');
    const entry = page.locator(`#registry tr[data-contact-id="${contact.id}"]`);
    expect(await entry.getAttribute('data-exposures')).toBe('2');
    expect(await entry.textContent()).toContain('REG-A');
    expect(await entry.textContent()).toContain('REG-B');
    expect(await entry.locator('.quarantine').textContent()).toBe('2021-07-15'); // last contact 10 July + the policy's 5 days
    await shot(page, 'contacts');
    await entry.locator(`a[href="/coord/contacts/${contact.id}"]`).click();
    expect(await page.locator('#contact-exposures tbody tr').count()).toBe(2);
    await page.goto(`${base}/coord/chains?case=${a}`);
    expect(await page.locator('#chains .chain-node').count()).toBe(4); // REG-A, REG-B, Citra (contact), Citra (case)
    expect(await page.locator('#chains .chain-edge.became_case').count()).toBe(1);
    await shot(page, 'chains');
  });
});
