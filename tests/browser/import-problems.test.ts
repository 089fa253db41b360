import type { AddressInfo } from 'node:net';
import type { Browser, Download } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/services/coordinator/index.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { buildTestWeb, seedUser, type TestWeb } from '../support/seed.js';

// The import page in a real browser: the rows with problems download as a file (not swapped into the page by htmx),
// before and after the import, and the Excel export link gives the ;-separated file with a BOM.
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

async function text(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('import problems and Excel exports in a browser', () => {
  it('downloads the problem rows before and after importing, and the Excel export', async () => {
    const me = await seedUser(web.db, { email: 'rina-imp@example.org', role: 'coordinator', name: 'Rina' });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    const csp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
    });
    await logIn(page, base, me.email, me.password);
    await page.goto(`${base}/coord/import`);
    await page.fill('#csv-text', 'case_id;nama;telepon\nB-1;Ani;0812-3456-7890\nB-2;;0812-3456-7891\nB-3;Joko;12\n');
    await page.click('#preview-btn');
    await page.locator('#problems-download').waitFor();
    const [before] = await Promise.all([page.waitForEvent('download'), page.click('#problems-download')]);
    const rows = parseCsv(await text(before)).records.map((r) => r.fields);
    expect(rows.map((r) => r[0])).toEqual(['case_id', 'B-2', 'B-3']);
    expect(rows[0]!.length).toBe(4);
    expect(await page.locator('#preview').count()).toBe(1); // the page stayed as it was

    await page.click('#commit-btn');
    await page.locator('#import-done').waitFor();
    const [after] = await Promise.all([page.waitForEvent('download'), page.click('#problems-download')]);
    const again = await text(after);
    expect(again.charCodeAt(0)).toBe(0xfeff);
    expect(parseCsv(again).records.slice(1).map((r) => r.fields[0])).toEqual(['B-2', 'B-3']);

    await page.goto(`${base}/coord/dashboard`);
    const [excel] = await Promise.all([page.waitForEvent('download'), page.click('#export-cases-excel')]);
    const csv = await text(excel);
    expect(csv.startsWith('\uFEFFcase_id;external_id;name;')).toBe(true);
    expect(csp).toEqual([]);
    await ctx.close();
  });
});
