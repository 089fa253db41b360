import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { FakePlatform } from '../../src/channels/fake/index.js';
import { schema } from '../../src/db/index.js';
import type { LiveBus } from '../../src/domain/live-events.js';
import { createLiveBus } from '../../src/queue/live-bus.js';
import type { LiveEvent } from '../../src/domain/live-events.js';
import { launchBrowser, logIn, liveUp } from '../support/browser.js';
import { buildTestWeb, seedEscalated, seedInbound, seedUser, type TestWeb } from '../support/seed.js';

// Real server on 127.0.0.1, real SQLite file, real Redis pub/sub; a second bus plays the worker process.
let browser: Browser;
let web: TestWeb;
let worker: LiveBus;
let base: string;
let platform: FakePlatform;
const contexts: BrowserContext[] = [];
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  const prefix = `tb-test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const live = await createLiveBus({ redis: inject('redisUrl'), prefix });
  worker = await createLiveBus({ redis: inject('redisUrl'), prefix });
  platform = new FakePlatform();
  web = await buildTestWeb({ live, fakePlatform: platform, heartbeatMs: 1000, reconnectMs: 300 });
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await web.app.close();
  await web.live.close();
  await worker.close();
});

async function publish(events: LiveEvent[]) {
  for (const e of events) await worker.publish(e);
}

async function newPage(): Promise<Page> {
  // bypassCSP: the test helpers evaluate strings in the page; it also proves escaping alone stops the XSS attempts below.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, bypassCSP: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

const login = (page: Page, email: string, password: string) => logIn(page, base, email, password);

async function shot(page: Page, name: string) {
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

describe('the inbox in a browser', () => {
  it('a tracer sees an escalation arrive live, claims it, replies, sees delivery status and the patient answer live, then hands back', async () => {
    const ani = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
    const page = await newPage();
    await login(page, ani.email, ani.password);
    await liveUp(page);
    await expect(page.locator('#queue-list').textContent()).resolves.toContain('Nothing here');

    const chat = seedEscalated(web.db, { name: 'Siti Rahma', reason: 'patient_asked', priority: 'high' });
    seedInbound(web.db, chat.conversationId, 'petugas');
    await publish(chat.events);
    await page.locator('#queue-list >> text=Siti Rahma').waitFor();
    await shot(page, 'queue');

    await page.click('#queue-list >> text=Siti Rahma');
    await page.waitForURL(/\/inbox\/c\/\d+$/);
    await page.click('button[data-action=claim]');
    await page.locator('.flash.ok').waitFor();
    expect(await page.locator('#owner-text').textContent()).toContain('you');

    await liveUp(page);
    await page.fill('#reply-text', 'Halo Bu Siti, saya Ani.');
    await page.click('#reply-form button[type=submit]');
    await page.locator('.msg.out >> text=Halo Bu Siti, saya Ani.').waitFor();
    const msg = web.db.select().from(schema.messages).where(eq(schema.messages.text, 'Halo Bu Siti, saya Ani.')).get()!;
    expect(msg.status).toBe('queued');
    // One `send` row for the reply (the seeded escalation also put its `escalation.created` event in the outbox).
    expect(web.db.select().from(schema.outbox).where(and(eq(schema.outbox.conversationId, chat.conversationId), eq(schema.outbox.kind, 'send'))).all()).toHaveLength(1);
    expect(web.pipeline.flushes).toBe(1);
    await page.locator(`#m-${msg.id} [data-status=queued]`).waitFor();

    // The delivery worker (another process) marks it sent: the status changes without a reload.
    await liveUp(page);
    web.db.update(schema.messages).set({ status: 'sent', sentAt: Date.now() }).where(eq(schema.messages.id, msg.id)).run();
    await publish([{ type: 'message.updated', conversationId: chat.conversationId, messageId: msg.id, at: Date.now() }]);
    await page.locator(`#m-${msg.id} [data-status=sent]`).waitFor();

    // The patient answers while the tracer holds the chat: the pipeline stores it and publishes; it shows live.
    const inId = seedInbound(web.db, chat.conversationId, 'Baik, terima kasih Bu Ani');
    await publish([{ type: 'message.created', conversationId: chat.conversationId, messageId: inId, at: Date.now() }]);
    await page.locator(`#m-${inId} >> text=Baik, terima kasih Bu Ani`).waitFor();
    await shot(page, 'conversation');
    if (shots) {
      await page.setViewportSize({ width: 800, height: 1100 });
      await shot(page, 'conversation-tablet');
      await page.setViewportSize({ width: 1280, height: 860 });
    }

    await page.selectOption('select[name=stepId]', { index: 0 });
    await page.click('button[data-action=hand-back]');
    await page.locator('.flash.ok').waitFor();
    expect(web.pipeline.resumes).toEqual([{ conversationId: chat.conversationId }]);
    expect(await page.locator('#owner-text').textContent()).toContain('The bot is talking');
  });

  it('shows messages sent while the live connection was down once it reconnects by itself', async () => {
    const ani = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
    const chat = seedEscalated(web.db, { name: 'Dropped Line' });
    const page = await newPage();
    await login(page, ani.email, ani.password);
    // The page re-fetches its live regions once its stream is up: let that finish, so it cannot pick up the "lost" message.
    const firstRefresh = page.waitForResponse((r) => r.url().includes('/part/transcript'));
    await page.goto(`${base}/inbox/c/${chat.conversationId}`);
    await liveUp(page);
    await firstRefresh;

    // The server drops every stream and refuses new ones for a while (a restart, a proxy hiccup).
    web.app.liveStreams.suspend(2500);
    web.app.liveStreams.dropAll();
    await page.waitForFunction("document.documentElement.dataset.live === 'down'");
    const lost = seedInbound(web.db, chat.conversationId, 'sent while you were offline');
    await publish([{ type: 'message.created', conversationId: chat.conversationId, messageId: lost, at: Date.now() }]);
    const lostEsc = seedEscalated(web.db, { name: 'Queued While Offline' });
    await publish(lostEsc.events);
    expect(await page.locator(`#m-${lost}`).count()).toBe(0);

    await page.waitForFunction("document.documentElement.dataset.live === 'up'", undefined, { timeout: 20_000 });
    await page.locator(`#m-${lost} >> text=sent while you were offline`).waitFor();
    await page.goto(`${base}/inbox`);
    await page.locator('#queue-list >> text=Queued While Offline').waitFor();
  });

  it('two tracers claiming the same chat at once: one gets it, the other is told who has it', async () => {
    const ani = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer', name: 'Ani' });
    const budi = await seedUser(web.db, { email: 'budi@example.org', role: 'tracer', name: 'Budi' });
    const chat = seedEscalated(web.db, { name: 'Contested' });
    const [pa, pb] = [await newPage(), await newPage()];
    await login(pa, ani.email, ani.password);
    await login(pb, budi.email, budi.password);
    await Promise.all([pa.goto(`${base}/inbox/c/${chat.conversationId}`), pb.goto(`${base}/inbox/c/${chat.conversationId}`)]);
    // Both press at the same instant: submit both forms before either page can see the other's claim arrive live.
    const submit = (p: Page) => p.evaluate("document.querySelector('button[data-action=claim]').click()");
    await Promise.all([submit(pa), submit(pb)]);
    await Promise.all([pa.locator('.flash').waitFor(), pb.locator('.flash').waitFor()]);
    const flashes = [await pa.locator('.flash').textContent(), await pb.locator('.flash').textContent()];
    const conv = web.db.select().from(schema.conversations).where(eq(schema.conversations.id, chat.conversationId)).get()!;
    const winner = conv.assigneeId === ani.id ? 'Ani' : 'Budi';
    expect(conv.assigneeId === ani.id || conv.assigneeId === budi.id).toBe(true);
    expect(flashes.filter((f) => f?.includes('You have this chat'))).toHaveLength(1);
    expect(flashes.filter((f) => f?.includes(`${winner} already has this chat`))).toHaveLength(1);
  });

  it('renders a patient <img onerror> as text: no script runs', async () => {
    const ani = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer' });
    const chat = seedEscalated(web.db, { name: '<b onmouseover="window.__xss=2">Eve</b>' });
    seedInbound(web.db, chat.conversationId, '<img src=x onerror="window.__xss=1;alert(1)">');
    const page = await newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await login(page, ani.email, ani.password);
    await page.goto(`${base}/inbox/c/${chat.conversationId}`);
    await page.locator('.msg.in >> text=<img src=x onerror').waitFor();
    await page.hover('h1');
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('.msg.in img').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(await page.locator('h1').textContent()).toBe('<b onmouseover="window.__xss=2">Eve</b>');
  });

  it('a form posted from another site cannot claim a chat (CSRF)', async () => {
    const ani = await seedUser(web.db, { email: 'ani@example.org', role: 'tracer' });
    const chat = seedEscalated(web.db);
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<form id="f" method="post" action="${base}/inbox/c/${chat.conversationId}/claim"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const page = await newPage();
      await login(page, ani.email, ani.password);
      const response = page.waitForResponse((r) => r.url().endsWith('/claim'));
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      expect((await response).status()).toBe(403);
      const conv = web.db.select().from(schema.conversations).where(eq(schema.conversations.id, chat.conversationId)).get()!;
      expect(conv.assigneeId).toBeNull();
      expect(web.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'claim')).all()).toHaveLength(0);
    } finally {
      await new Promise((r) => evil.close(r));
    }
  });

  it('a tracer cannot open admin pages; an admin can', async () => {
    const tracer = await seedUser(web.db, { email: 'tracer@example.org', role: 'tracer' });
    const admin = await seedUser(web.db, { email: 'admin@example.org', role: 'admin' });
    const page = await newPage();
    await login(page, tracer.email, tracer.password);
    expect(await page.locator('nav >> text=Users').count()).toBe(0);
    const res = await page.goto(`${base}/admin/users`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('main')).toContain('You do not have access');
    const other = await newPage();
    await login(other, admin.email, admin.password);
    const ok = await other.goto(`${base}/admin/users`);
    expect(ok?.status()).toBe(200);
    await other.fill('form.grid-form input[name=email]', 'new.tracer@example.org');
    await other.click('form.grid-form button[type=submit]');
    await other.locator('.flash.ok >> text=new.tracer@example.org').waitFor();
    await shot(other, 'admin-users');
  });

  it('the patient phone page plays a patient: messages go to the fake platform and bot replies appear live', async () => {
    const bot = (m: { userId: string; content: { kind: string; text?: string; value?: string } }) => {
      const said = m.content.kind === 'text' ? m.content.text : m.content.kind;
      setTimeout(() => platform.deliver(m.userId, { text: `bot heard: ${said}`, choices: m.content.kind === 'start' ? [{ value: 'ya', label: 'Ya' }] : [], requestPhone: false, at: Date.now() }), 50);
    };
    platform.on('patient-message', bot);
    const page = await newPage();
    await page.goto(`${base}/phone?user=demo`);
    await liveUp(page);
    await page.fill('.phone-start input[name=code]', 'ABC123');
    await page.click('.phone-start button');
    await page.locator('.bubble.bot >> text=bot heard: start').waitFor();
    await page.click('button.choice >> text=Ya');
    await page.locator('.bubble.patient >> text=Ya').waitFor();
    await page.fill('#phone-text', 'saya demam <b>tinggi</b>');
    await page.press('#phone-text', 'Enter');
    await page.locator('.bubble.bot >> text=bot heard: saya demam <b>tinggi</b>').waitFor();
    await shot(page, 'phone');
    platform.off('patient-message', bot);
  });
});
