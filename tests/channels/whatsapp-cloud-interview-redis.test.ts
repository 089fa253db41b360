import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import '../../src/channels/wiring.js';
import { createApiToken } from '../../src/services/api-tokens.js';
import { apiClient, nextMessageWith } from '../support/api-client.js';
import { FakeGraphApi } from '../support/fake-graph-api.js';
import { injectLogin, seedUser } from '../support/seed.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const WA = '6281211112222';
const CHAT = `${WA}@s.whatsapp.net`;

describe('a patient interviewed on the WhatsApp Business Platform (fake Graph API, full system)', () => {
  let api: FakeGraphApi;
  let sys: Sys;
  let token: string;

  const http = apiClient(() => sys.address, () => token);
  const botSays = (text: string, from: { n: number }) => nextMessageWith(() => api.sentTo(WA), text, from);
  const q = <T>(sql: string, ...args: unknown[]) => sys.db.$client.prepare(sql).all(...args) as T[];

  beforeEach(async () => {
    api = await FakeGraphApi.start();
    sys = await startTestSystem(inject('redisUrl'), {
      WHATSAPP_CLOUD_TOKEN: api.token,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: api.phoneNumberId,
      WHATSAPP_CLOUD_APP_SECRET: api.appSecret,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me-please',
      WHATSAPP_CLOUD_API_ROOT: api.apiRoot,
      WHATSAPP_CLOUD_TEMPLATE_PARAMS: 'Dinas Kesehatan DKI Jakarta',
    });
    api.webhookUrl = `${sys.address}/whatsapp/webhook`;
    token = createApiToken(sys.stores, 'test', 'coordinator', Date.now()).token;
  });
  afterEach(async () => {
    await sys?.stop();
    await api?.close();
  });

  it('writes first with the approved template, then runs the interview with buttons, a list, a contact card and receipts', async () => {
    expect(sys.channels.map((c) => c.name)).toEqual(['whatsapp']);
    const verify = await fetch(`${sys.address}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=8273`);
    expect(await verify.text()).toBe('8273');

    // A new case with a phone number: outreach writes first, and outside the 24-hour window that can only be the template.
    const created = await http('POST', '/api/v1/cases', { externalId: 'WAC-0001', name: 'Budi Santoso', phone: '0812-1111-2222', dateOfBirth: '1990-03-14', language: 'en' });
    expect(created.status).toBe(201);
    const invite = await eventually(() => api.sentTo(WA)[0], 'template');
    expect(invite).toMatchObject({ type: 'template', template: { name: 'tracebot_checkin', language: 'id', params: ['Dinas Kesehatan DKI Jakarta'] } });
    // Outside the 24-hour window the first message is held, not sent, until the person answers the template: its delivery
    // is over (the row is no longer queued: the channel took it, under the template's id) and only the template went out.
    await eventually(() => {
      const out = q<{ status: string }>(`SELECT status FROM messages WHERE direction = 'out'`);
      return out.length > 0 && out.every((m) => m.status !== 'queued') ? true : undefined;
    }, 'the first message handed to the channel');
    expect(api.sentTo(WA)).toHaveLength(1);

    const seen = { n: 1 };
    await api.pressChoice(WA, 'Lanjut');
    // Issue 17: the template and the first message name nobody but "Budi" and nothing about a test, until the date of birth is typed.
    const first = await botSays('important health message for Budi', seen);
    // The tap only opened the window (the held message went out); the reply that message asks for comes next.
    await api.sendText(WA, 'ok');
    await botSays('Please type your date of birth', seen);
    const budi = { name: 'Budi Santoso', dateOfBirth: '1990-03-14', caseNumber: 'WAC-0001' };
    for (const m of api.sentTo(WA)) expect(forbiddenFacts([m.text, ...(m.template?.params ?? [])].join(' '), budi), m.text).toEqual([]);
    await api.sendText(WA, '14/03/1990');
    await botSays('Hello Budi, thank you for confirming', seen);
    const consent = await botSays('willing to answer', seen);
    expect(consent).toMatchObject({ type: 'interactive', interactive: 'button', choices: ['Yes', 'No'] });
    await api.pressChoice(WA, 'Yes');
    await botSays('symptoms', seen);
    await api.pressChoice(WA, 'Yes');
    await botSays('first symptoms start', seen);
    await api.sendText(WA, 'yesterday');
    const symptoms = await botSays('Which symptoms', seen);
    expect(symptoms.interactive).toBe('list');
    await api.sendText(WA, 'fever, cough');
    const isolation = await botSays('isolating', seen);
    // "Isolation centre (for example Wisma Atlet)" is too long for a button or a list row: numbered text.
    expect(isolation.type).toBe('text');
    await api.pressChoice(WA, 'At home');
    await botSays('How many other people', seen);
    await api.sendText(WA, '2');
    await botSays('full name', seen);
    await api.sendContacts(WA, [{ name: 'Siti Aminah', phone: '+62 812-3456-7890', waId: '6281234567890' }]);
    await botSays('Where were you in contact with Siti Aminah', seen);
    await api.pressChoice(WA, 'Same household');
    await botSays('When did you last see', seen);
    await api.sendText(WA, 'today');
    await botSays('have any symptoms', seen);
    await api.pressChoice(WA, 'No');
    await botSays('anyone else', seen);
    await api.pressChoice(WA, 'No');
    await botSays('Which place did you visit', seen);
    await api.sendText(WA, 'none');
    const summary = await botSays('people you listed', seen);
    expect(summary.text).toContain('Siti Aminah');
    await api.pressChoice(WA, 'Yes');
    const thanks = await botSays('Thank you very much', seen);

    const detail = await eventually(async () => {
      const r = await http('GET', '/api/v1/cases/WAC-0001');
      return r.json.status === 'completed' && r.json.contacts.length === 1 ? r.json : undefined;
    }, 'completed case with a contact');
    expect(detail.answers).toMatchObject({ consent: true, household_size: 2, symptoms: ['fever', 'cough'], isolation: 'home' });
    const contacts = (await http('GET', '/api/v1/contacts')).json.contacts;
    expect(contacts[0]).toMatchObject({ name: 'Siti Aminah', phone: '+6281234567890', setting: 'household', caseExternalId: 'WAC-0001' });
    expect(q(`SELECT channel, channel_user_id AS chat FROM conversations`)).toEqual([{ channel: 'whatsapp', chat: CHAT }]);

    // Receipts: the fake reports sent + delivered for every message; the patient reads the last one.
    await api.postStatus(thanks.wamid, 'read');
    await eventually(() => q<{ status: string }>(`SELECT status FROM messages WHERE channel_message_id = ?`, thanks.wamid)[0]?.status === 'read' || undefined, 'read receipt');
    await api.settle();
    const out = q<{ status: string }>(`SELECT status FROM messages WHERE direction = 'out'`);
    expect(out.every((m) => ['delivered', 'read'].includes(m.status))).toBe(true);
    // The held first message carries the id it finally went out under, so its receipts landed on it too.
    const greeting = q<{ id: string; status: string }>(`SELECT channel_message_id AS id, status FROM messages WHERE direction = 'out' AND text LIKE 'Dinas Kesehatan DKI Jakarta has%'`)[0]!;
    expect(first.wamid).toBe(greeting.id);

    // Staff see the receipts in the conversation's transcript (a coordinator: the chat was never escalated, so a tracer may not open it).
    await seedUser(sys.db, { email: 'tracer@dinkes.test', role: 'coordinator' });
    const tracer = await injectLogin(sys.web!, 'tracer@dinkes.test', 'correct horse battery');
    const convId = q<{ id: number }>(`SELECT id FROM conversations`)[0]!.id;
    const page = await sys.web!.inject({ method: 'GET', url: `/inbox/c/${convId}`, headers: { cookie: tracer.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/data-status="read">read</);
    expect(page.body).toMatch(/data-status="delivered">delivered</);

    // Meta delivers the last webhook again: still one transcript line for it.
    const before = q<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`)[0]!.n;
    expect((await api.redeliverLast(WA)).status).toBe(200);
    // The 200 comes after intake: the repeat was recognised there (one pending row, nothing put in the chat's mailbox).
    expect(q<{ n: number }>(`SELECT count(*) AS n FROM inbound_pending WHERE channel = 'whatsapp' AND channel_user_id = ? GROUP BY channel_message_id HAVING n > 1`, WA)).toEqual([]);
    expect(await sys.pipeline.mailboxes.length(`whatsapp:${WA}`)).toBe(0);
    expect(q<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`)[0]!.n).toBe(before);
  });

  it('marks a person whose number is not on WhatsApp unreachable and asks a tracer to call', async () => {
    api.unreachable.add('6281299998888');
    await http('POST', '/api/v1/cases', { externalId: 'WAC-0002', name: 'Ani', phone: '0812-9999-8888', language: 'id' });
    const esc = await eventually(() => q<{ reason: string; detail: string }>(`SELECT reason, detail FROM escalations`)[0], 'escalation');
    expect(esc.reason).toBe('unreachable');
    expect(esc.detail).toContain('131026');
    const c = await eventually(async () => {
      const r = await http('GET', '/api/v1/cases/WAC-0002');
      return r.json.status === 'unreachable' ? r.json : undefined;
    }, 'unreachable case');
    expect(c.status).toBe('unreachable');
  });

  it('a rejected token keeps replies queued (no retries spent, no escalation), /readyz and the admin page say degraded', async () => {
    await seedUser(sys.db, { email: 'admin@dinkes.test', role: 'admin' });
    const admin = await injectLogin(sys.web!, 'admin@dinkes.test', 'correct horse battery');
    const adminPage = async () => (await sys.web!.inject({ method: 'GET', url: '/admin/whatsapp', headers: { cookie: admin.cookie, accept: 'text/html', 'accept-language': 'en' } })).body;
    expect(await adminPage()).toContain('WhatsApp Business Platform (Cloud API): sending');
    expect(await adminPage()).not.toContain('WhatsApp is not enabled');
    const readyBefore = await fetch(`${sys.address}/readyz`);
    expect(await readyBefore.json()).toEqual({ status: 'ready', checks: { sqlite: 'ok', redis: 'ok', whatsapp_cloud: 'ok' } });
    api.revokeToken();
    await http('POST', '/api/v1/cases', { externalId: 'WAC-0003', name: 'Ani', phone: '0812-7777-6666', language: 'id' });
    await eventually(() => (api.requests > 0 ? true : undefined), 'a refused send');
    const ready = await eventually(async () => {
      const r = await fetch(`${sys.address}/readyz`);
      const json = (await r.json()) as { status: string; checks: Record<string, string> };
      return json.status === 'degraded' ? { code: r.status, json } : undefined;
    }, 'degraded readiness');
    expect(ready).toEqual({ code: 200, json: { status: 'degraded', checks: { sqlite: 'ok', redis: 'ok', whatsapp_cloud: 'degraded' } } });
    // Judged once the refused attempt is over (no send job running): its message still queued, nobody escalated.
    const outbound = sys.pipeline.outbound('whatsapp');
    await eventually(async () => {
      const jobs = await outbound.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);
      const active = (await outbound.getJobCounts('active')).active;
      return active === 0 && jobs.some((j) => j.attemptsStarted > 0) ? true : undefined;
    }, 'the refused send attempt over');
    const queued = q<{ status: string }>(`SELECT status FROM messages WHERE direction = 'out'`);
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.every((m) => m.status === 'queued')).toBe(true);
    expect(q(`SELECT id FROM escalations`)).toEqual([]);
    expect(await adminPage()).toMatch(/Meta rejects the access token \(code 190\)/);
  });

  it('takes webhooks on a web node without the channels role: the other process answers, the receipt lands on the transcript', async () => {
    const web = await startTestSystem(inject('redisUrl'), {
      WHATSAPP_CLOUD_TOKEN: api.token,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: api.phoneNumberId,
      WHATSAPP_CLOUD_APP_SECRET: api.appSecret,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me-please',
      WHATSAPP_CLOUD_API_ROOT: api.apiRoot,
      ROLES: 'web',
      REDIS_PREFIX: sys.config.REDIS_PREFIX,
      ...(sys.config.databaseUrl ? { DATABASE_URL: sys.config.databaseUrl } : { DATABASE_FILE: sys.config.databaseFile }),
    });
    try {
      expect(web.channels).toEqual([]);
      // Meta posts to the load balancer, which picks the web-only node: messages and receipts alike.
      api.webhookUrl = `${web.address}/whatsapp/webhook`;
      const created = await http('POST', '/api/v1/cases', { externalId: 'WAC-0002', name: 'Budi Santoso', phone: '0812-1111-2222', dateOfBirth: '1990-03-14', language: 'en' });
      expect(created.status).toBe(201);
      await eventually(() => api.sentTo(WA)[0], 'template');
      const seen = { n: 1 };
      await api.pressChoice(WA, 'Lanjut');
      await botSays('important health message for Budi', seen);
      await api.sendText(WA, 'ok');
      await botSays('Please type your date of birth', seen);
      await eventually(() => (q<{ status: string }>(`SELECT status FROM messages WHERE direction = 'out'`).some((m) => m.status === 'delivered' || m.status === 'read') ? true : undefined), 'a receipt recorded');
    } finally {
      await web.stop();
    }
  });
});

describe('the /whatsapp/webhook route without the Business Platform channel', () => {
  it('is a 404 for GET and POST, and other JSON routes still parse their bodies', async () => {
    const sys = await startTestSystem(inject('redisUrl'), {});
    try {
      expect((await fetch(`${sys.address}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1`)).status).toBe(404);
      expect((await fetch(`${sys.address}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
      const token = createApiToken(sys.stores, 'test', 'coordinator', Date.now()).token;
      const r = await apiClient(() => sys.address, () => token)('POST', '/api/v1/cases', { externalId: 'X-1', name: 'Ani', language: 'id' });
      expect(r.status).toBe(201);
    } finally {
      await sys.stop();
    }
  });
});
