import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { launchBrowser, logIn } from '../support/browser.js';
import { buildTestWeb, seedUser, type TestWeb } from '../support/seed.js';

// Issue 14 item 9, measured in a real browser: charts fill their cards at any width, and no two labels of the flow
// diagram print over each other.
const FLOW = readFileSync(new URL('../../flows/case-interview.yaml', import.meta.url), 'utf8');
const BRANCHY = `spec: 1
id: branchy
name: { id: Cabang, en: Branches }
steps:
  - id: pick
    type: ask
    text: { id: Pilih, en: Pick }
    answer: { type: choice, choices: [{ value: a, label: { id: A, en: A } }, { value: b, label: { id: B, en: B } }, { value: c, label: { id: C, en: C } }] }
  - id: route
    type: branch
    cases:
      - { when: { answers.pick: a }, next: one }
      - { when: { answers.pick: b }, next: two }
      - { when: { answers.pick: c }, next: three }
      - { when: { answers.pick: d }, next: done }
    default: one
  - { id: one, type: say, text: { id: Satu, en: One }, next: pick }
  - { id: two, type: say, text: { id: Dua, en: Two }, next: done }
  - { id: three, type: say, text: { id: Tiga, en: Three }, next: route }
  - { id: done, type: end, text: { id: Selesai, en: Done } }
`;

let browser: Browser;
let web: TestWeb;
let base: string;
beforeAll(async () => {
  browser = await launchBrowser();
  web = await buildTestWeb();
  const registry = new FlowRegistry(createRepositories(web.db));
  registry.publish(FLOW, 'case-interview.yaml', { origin: 'file:case-interview.yaml', now: Date.now() });
  const branchy = registry.publish(BRANCHY, 'branchy.yaml', { origin: 'file:branchy.yaml', now: Date.now() });
  if (!branchy.ok) throw new Error(JSON.stringify(branchy));
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await web?.app.close();
});

async function pageAt(width: number, who: { email: string; password: string }): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(20_000);
  await logIn(page, base, who.email, who.password);
  return page;
}

describe('coordinator pages measured in a browser', () => {
  it('draws each dashboard chart across its whole card, wide and at 390 px', async () => {
    const me = await seedUser(web.db, { email: 'lay-dash@example.org', role: 'coordinator' });
    for (const [width, range] of [[1440, 'from=2026-11-25&to=2026-11-25'], [1440, ''], [390, '']] as const) {
      const page = await pageAt(width, me);
      await page.goto(`${base}/coord/dashboard?${range}`);
      const fits = (await page.evaluate(`[...document.querySelectorAll('figure.chart')].map((f) => {
        const svg = f.querySelector('svg.bars').getBoundingClientRect();
        const cs = getComputedStyle(f);
        const inner = f.getBoundingClientRect().width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - parseFloat(cs.borderLeftWidth) - parseFloat(cs.borderRightWidth);
        return [Math.round(svg.width), Math.round(inner)];
      })`)) as [number, number][];
      expect(fits.length).toBe(2);
      for (const [svg, inner] of fits) expect(Math.abs(svg - inner), `${width} ${range}: ${svg} vs ${inner}`).toBeLessThanOrEqual(1);
      expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
      await page.context().close();
    }
  });

  it('keeps the flow diagram’s edge labels apart from each other and from the boxes', async () => {
    const me = await seedUser(web.db, { email: 'lay-flow@example.org', role: 'coordinator' });
    for (const flow of ['case-interview', 'branchy']) {
      const page = await pageAt(1440, me);
      await page.goto(`${base}/coord/flows/${flow}#tab-diagram`);
      await page.locator('#diagram svg .edge-label').first().waitFor({ state: 'attached' });
      const clash = (await page.evaluate(`(() => {
        const boxes = (sel) => [...document.querySelectorAll(sel)].map((e) => ({ text: e.textContent, r: e.getBBox ? (e.tagName === 'g' ? e.querySelector('rect').getBoundingClientRect() : e.getBoundingClientRect()) : null }));
        const labels = boxes('#diagram .edge-label');
        const nodes = boxes('#diagram .node');
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const out = [];
        labels.forEach((a, i) => {
          labels.slice(i + 1).forEach((b) => { if (hit(a.r, b.r)) out.push(a.text + ' / ' + b.text); });
          nodes.forEach((n) => { if (hit(a.r, n.r)) out.push(a.text + ' on a box'); });
        });
        return { n: labels.length, out };
      })()`)) as { n: number; out: string[] };
      expect(clash.n, flow).toBeGreaterThan(2);
      expect(clash.out, flow).toEqual([]);
      await page.context().close();
    }
  });
});
