import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { FakeChannel, FakePlatform } from '../../src/channels/fake/index.js';
import { createLiveBus } from '../../src/queue/live-bus.js';
import { launchBrowser, liveUp } from '../support/browser.js';
import { buildTestWeb, type TestWeb } from '../support/seed.js';

// Issue 16: /phone plays a contact the bot wrote to first, addressed by their E.164 number (a `+` that must survive URLs,
// forms and the live stream). Real server, real browser, real Redis pub/sub.

const PHONE = '+6281234567890';
let browser: Browser;
let web: TestWeb;
let base: string;
let platform: FakePlatform;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  const live = await createLiveBus({ redis: inject('redisUrl'), prefix: `tb-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  platform = new FakePlatform();
  web = await buildTestWeb({ live, fakePlatform: platform, heartbeatMs: 1000, reconnectMs: 300 });
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await web.app.close();
  await web.live.close();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 420, height: 860 } });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

describe('the patient phone plays a contact by their number', () => {
  it('opens the contact from the list of chats, shows what the bot wrote first, and carries the reply and the next message live', async () => {
    const channel = new FakeChannel(platform);
    await channel.send({ id: 'm1', channelUserId: PHONE, text: 'Dinas Kesehatan DKI Jakarta punya pesan kesehatan penting untuk Siti.' });
    const heard: string[] = [];
    const bot = (m: { userId: string; content: { kind: string; text?: string } }) => {
      heard.push(m.userId);
      setTimeout(() => platform.deliver(m.userId, { text: `bot heard: ${m.content.text ?? m.content.kind}`, choices: [], requestPhone: false, at: Date.now() }), 50);
    };
    platform.on('patient-message', bot);

    const page = await newPage();
    await page.goto(`${base}/phone?user=demo`);
    await page.click(`.phone-chats a >> text=${PHONE}`);
    await page.locator('.bubble.bot >> text=pesan kesehatan penting untuk Siti').waitFor();
    expect(await page.inputValue('input[name=user]')).toBe(PHONE);
    await liveUp(page);
    await page.fill('#phone-text', 'Siti Aminah');
    await page.press('#phone-text', 'Enter');
    await page.locator('.bubble.bot >> text=bot heard: Siti Aminah').waitFor();
    expect(heard).toEqual([PHONE]);
    platform.off('patient-message', bot);
  });
});
