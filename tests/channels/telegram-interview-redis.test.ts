import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { createApiToken } from '../../src/services/api-tokens.js';
import { FakeTelegramApi } from '../support/fake-telegram-api.js';
import { apiClient, nextMessageWith } from '../support/api-client.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;
const BUDI = { name: 'Budi Santoso', dateOfBirth: '1990-03-14', caseNumber: 'JKT-0001' };

describe('a patient interviewed on Telegram from a start link (fake Bot API, full system)', () => {
  let api: FakeTelegramApi;
  let sys: Sys;
  let token: string;

  const start = async (env: Record<string, string> = {}) => {
    sys = await startTestSystem(inject('redisUrl'), {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      ...env,
    });
    token = createApiToken(createRepositories(sys.db), 'test', 'coordinator', Date.now()).token;
  };
  const http = apiClient(() => sys.address, () => token);
  const createCase = async (externalId: string) => {
    const r = await http('POST', '/api/v1/cases', { externalId, name: 'Budi Santoso', phone: '0812-1111-2222', dateOfBirth: '1990-03-14', language: 'en' });
    expect(r.status).toBe(201);
    return r.json.cases[0] as { id: number; startCode: string; telegramLink: string; telegramQr: string };
  };
  /** Wait for the next bot message to this chat containing `text`, after `from.n` messages. */
  const botSays = (chat: number, text: string, from: { n: number }) => nextMessageWith(() => api.sent(chat), text, from);

  beforeEach(async () => {
    api = await FakeTelegramApi.start({ maxHoldMs: 200 });
  });
  afterEach(async () => {
    await sys?.stop();
    await api.close();
  });

  it('runs the whole interview from /start <code> and lists the contacts in the API', async () => {
    await start();
    const c = await createCase('JKT-0001');
    expect(c.telegramLink).toBe(`https://t.me/${api.bot.username}?start=${c.startCode}`);
    expect(c.telegramQr).toMatch(/^data:image\/png;base64,/);
    const chat = 7001;
    const seen = { n: 0 };
    api.sendStart(chat, c.startCode);
    // Issue 17: the link only says whom we expect; the first messages name nothing else, and the person types their birth date.
    const first = await botSays(chat, 'important health message for Budi', seen);
    await botSays(chat, 'Please type your date of birth', seen);
    for (const m of api.sent(chat)) expect(forbiddenFacts(m.text, BUDI), m.text).toEqual([]);
    expect(first.text).not.toContain('Santoso');
    api.sendText(chat, '14/03/1990');
    await botSays(chat, 'Hello Budi, thank you for confirming who you are', seen);
    const consent = await botSays(chat, 'willing to answer', seen);
    expect(consent.buttons).toEqual(['Yes', 'No']);
    api.pressButton(chat, 'Yes');
    await botSays(chat, 'symptoms', seen);
    api.pressButton(chat, 'Yes');
    await botSays(chat, 'first symptoms start', seen);
    api.sendText(chat, 'yesterday');
    await botSays(chat, 'Which symptoms', seen);
    api.sendText(chat, 'fever and cough');
    await botSays(chat, 'isolating', seen);
    api.sendText(chat, 'home');
    await botSays(chat, 'How many other people', seen);
    api.sendText(chat, '2');
    await botSays(chat, 'full name', seen);
    api.sendText(chat, 'Siti Aminah');
    await botSays(chat, 'mobile number', seen);
    api.sendText(chat, '0812-3456-7890');
    await botSays(chat, 'Where were you in contact', seen);
    api.sendText(chat, '1');
    await botSays(chat, 'When did you last see', seen);
    api.sendText(chat, 'today');
    await botSays(chat, 'have any symptoms', seen);
    api.pressButton(chat, 'No');
    await botSays(chat, 'anyone else', seen);
    api.pressButton(chat, 'No');
    await botSays(chat, 'Which place did you visit', seen);
    api.sendText(chat, 'none');
    await botSays(chat, 'people you listed', seen);
    api.pressButton(chat, 'Yes');
    // Issue 16: a message to forward to contacts who prefer Telegram, with a link that does not say who sent it.
    await botSays(chat, 'It does not mention your name', seen);
    const forward = await botSays(chat, `https://t.me/${api.bot.username}?start=`, seen);
    expect(forward.text).not.toContain('Budi');
    const inviteCode = forward.text.split('?start=')[1]!.trim();
    await botSays(chat, 'Thank you very much', seen);

    // Every button press was answered so the patient's button stopped spinning.
    const presses = api.calls.filter((c) => c.method === 'answerCallbackQuery').length;
    expect(presses).toBeGreaterThanOrEqual(5);
    const detail = await eventually(async () => {
      const r = await http('GET', '/api/v1/cases/JKT-0001');
      return r.json.status === 'completed' && r.json.contacts.length === 1 ? r.json : undefined;
    }, 'completed case with a contact');
    expect(detail.answers).toMatchObject({ consent: true, household_size: 2, symptoms: ['fever', 'cough'] });
    const contacts = await eventually(async () => {
      const r = await http('GET', '/api/v1/contacts');
      return r.json.contacts.length ? r.json.contacts : undefined;
    }, 'contacts');
    expect(contacts[0]).toMatchObject({ name: 'Siti Aminah', phone: '+6281234567890', setting: 'household', caseExternalId: 'JKT-0001' });

    // The contact opens the forwarded link in their own chat and is found by the name they type.
    const contactChat = 7010;
    const heard = { n: 0 };
    api.sendStart(contactChat, inviteCode);
    await botSays(contactChat, 'please type your full name', heard);
    api.sendText(contactChat, 'Siti Aminah');
    await botSays(contactChat, 'We will send your health message here shortly', heard);
    expect(api.sent(contactChat).some((m) => /Budi|Santoso|COVID|positive/i.test(m.text))).toBe(false);
  });

  it('asks a chat without a code to verify, links it on a match, and says so politely when a link was used', async () => {
    await start();
    const c = await createCase('JKT-0002');
    const first = 7002;
    api.sendStart(first, c.startCode);
    await botSays(first, 'important health message for Budi', { n: 0 });

    // The same link opened again in another chat: no data is shown, the chat must verify.
    const second = 7003;
    const seen = { n: 0 };
    api.sendStart(second, c.startCode);
    await botSays(second, 'sudah pernah dipakai', seen);
    await botSays(second, 'nomor referensi', seen);
    api.sendText(second, 'JKT-9999');
    await botSays(second, 'tanggal lahir', seen);
    api.sendText(second, '14/03/1990');
    await botSays(second, 'belum menemukan', seen);
    api.sendText(second, 'jkt-0002');
    await botSays(second, 'tanggal lahir', seen);
    api.sendText(second, '14/03/1990');
    await botSays(second, 'Hello Budi, thank you for confirming', seen);
    expect(api.sent(second).slice(0, seen.n - 1).some((m) => m.text.includes('Budi'))).toBe(false);
    for (const m of api.sent(second).slice(0, seen.n - 1)) expect(forbiddenFacts(m.text, BUDI), m.text).toEqual([]);
  });

  it('/start without a code names nobody and nothing about a case: it asks for the reference number and date of birth', async () => {
    await start();
    await createCase('JKT-0009');
    const chat = 7010;
    const seen = { n: 0 };
    api.sendStart(chat);
    await botSays(chat, 'nomor referensi', seen);
    for (const m of api.sent(chat)) {
      expect(m.text).not.toMatch(/Budi|\{\{| ,/);
      expect(forbiddenFacts(m.text, { ...BUDI, caseNumber: 'JKT-0009' }), m.text).toEqual([]);
    }
  });

  it('escalates a chat that fails verification three times', async () => {
    await start();
    const chat = 7004;
    const seen = { n: 0 };
    api.sendText(chat, 'halo');
    for (let i = 0; i < 3; i++) {
      await botSays(chat, 'nomor referensi', seen);
      api.sendText(chat, `X-${i}`);
      await botSays(chat, 'tanggal lahir', seen);
      api.sendText(chat, '01/01/1980');
    }
    await botSays(chat, 'Petugas kami akan membantu', seen);
    const esc = await eventually(() => sys.db.$client.prepare(`SELECT reason, detail FROM escalations`).get() as { reason: string; detail: string } | undefined, 'escalation');
    expect(esc.detail ?? esc.reason).toMatch(/unverified|flow_handoff/);
  });

  it('marks a patient who blocked the bot unreachable and escalates', async () => {
    await start();
    const c = await createCase('JKT-0003');
    const chat = 7005;
    api.block(chat);
    api.sendStart(chat, c.startCode);
    const esc = await eventually(() => sys.db.$client.prepare(`SELECT reason, priority FROM escalations`).get() as Record<string, string> | undefined, 'escalation');
    expect(esc).toEqual({ reason: 'unreachable', priority: 'high' });
    const conv = sys.db.$client.prepare(`SELECT unreachable, owner FROM conversations`).get();
    expect(conv).toEqual({ unreachable: 1, owner: 'tracer' });
  });

  it('accepts webhook updates only with the secret', async () => {
    await start({ TELEGRAM_WEBHOOK_URL: 'https://tracebot.example.org/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: 'hook-secret_123' });
    expect(api.webhook).toEqual({ url: 'https://tracebot.example.org/telegram/webhook', secret: 'hook-secret_123' });
    const update = (id: number, text: string) => ({
      update_id: id,
      message: { message_id: id, date: 1_700_000_000, chat: { id: 7006, type: 'private' }, from: { id: 7006, is_bot: false, first_name: 'A' }, text },
    });
    const post = (headers: Record<string, string>, body: object) =>
      fetch(`${sys.address}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await post({}, update(1, 'no secret'))).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong' }, update(2, 'wrong secret'))).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'hook-secret_123' }, update(3, 'halo'))).status).toBe(200);
    await botSays(7006, 'nomor referensi', { n: 0 });
    // Had a refused update been taken, it would sit in the same chat's mailbox ahead of the accepted one: once the pipeline
    // is done with the chat, only the accepted message is stored.
    await chatIdle(sys, '7006', { channel: 'telegram' });
    expect(sys.db.$client.prepare(`SELECT text FROM messages WHERE direction = 'in'`).all()).toEqual([{ text: 'halo' }]);
  });

  it('takes webhook updates on a web node without the channels role, which registers nothing and sends nothing', async () => {
    const hook = { TELEGRAM_WEBHOOK_URL: 'https://tracebot.example.org/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: 'hook-secret_123' };
    await start(hook);
    api.webhook = undefined;
    const web = await startTestSystem(inject('redisUrl'), {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      ...hook,
      ROLES: 'web',
      REDIS_PREFIX: sys.config.REDIS_PREFIX,
      ...(sys.config.databaseUrl ? { DATABASE_URL: sys.config.databaseUrl } : { DATABASE_FILE: sys.config.databaseFile }),
    });
    try {
      expect(web.channels).toEqual([]);
      const post = (secret: string, id: number, text: string) =>
        fetch(`${web.address}/telegram/webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
          body: JSON.stringify({ update_id: id, message: { message_id: id, date: 1_700_000_000, chat: { id: 7007, type: 'private' }, from: { id: 7007, is_bot: false, first_name: 'A' }, text } }),
        });
      expect((await post('wrong', 1, 'no')).status).toBe(401);
      expect((await post('hook-secret_123', 2, 'halo')).status).toBe(200);
      // The worker and channels of the other process answer it.
      await botSays(7007, 'nomor referensi', { n: 0 });
      expect(api.webhook).toBeUndefined();
    } finally {
      await web.stop();
    }
  });
});
