import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/domain/channel.js';
import {
  createTelegramChannel,
  SHARE_PHONE_LABEL,
  type TelegramChannel,
  type TelegramChannelOptions,
  type TelegramLogger,
} from '../../src/channels/telegram/index.js';
import { FakeTelegramApi, type MediaField } from '../support/fake-telegram-api.js';
import { eventually } from '../support/eventually.js';

interface LogLine {
  level: string;
  obj: object;
  msg?: string;
}

function captureLogger(): TelegramLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, ...(msg ? { msg } : {}) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const waitFor = <T>(probe: () => T | undefined, what: string, timeoutMs = 5000) => eventually(probe, what, timeoutMs, 10);

const PATIENT = 100_001;

interface Rig {
  api: FakeTelegramApi;
  channel: TelegramChannel;
  inbox: InboundMessage[];
  log: ReturnType<typeof captureLogger>;
  /** Wait until `n` messages have arrived; returns the n-th. */
  next(n: number): Promise<InboundMessage>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(
  opts: Partial<TelegramChannelOptions> & { handler?: (m: InboundMessage, inbox: InboundMessage[]) => Promise<void> } = {},
  start = true,
): Promise<Rig> {
  const api = await FakeTelegramApi.start({ maxHoldMs: 150 });
  const log = captureLogger();
  const { handler, ...options } = opts;
  const channel = createTelegramChannel({
    token: api.token,
    apiRoot: api.apiRoot,
    logger: log,
    pollingRetry: { minMs: 20, maxMs: 150 },
    pollTimeoutSec: 1,
    ...options,
  });
  const inbox: InboundMessage[] = [];
  cleanups.push(async () => {
    await channel.stop();
    await api.close();
  });
  if (start) {
    await channel.start(async (m) => {
      if (handler) await handler(m, inbox);
      inbox.push(m);
    });
  }
  return {
    api,
    channel,
    inbox,
    log,
    next: (n) => waitFor(() => (inbox.length >= n ? inbox[n - 1] : undefined), `${n} inbound message(s)`),
  };
}

describe('telegram inbound (polling)', () => {
  it('turns a deep-link /start into a start code, and rejects codes Telegram would not issue', async () => {
    const r = await rig();
    r.api.sendStart(PATIENT, 'case_7Qx-42');
    r.api.sendStart(PATIENT);
    r.api.sendText(PATIENT, '/start bad!code');
    r.api.sendText(PATIENT, '/start@tracebot_test_bot abc');
    r.api.sendText(PATIENT, '/start two words');
    r.api.sendText(PATIENT, '/starting');
    await r.next(6);
    expect(r.inbox.map((m) => m.content)).toEqual([
      { kind: 'start', code: 'case_7Qx-42' },
      { kind: 'start', code: undefined },
      { kind: 'start', code: undefined },
      { kind: 'start', code: 'abc' },
      { kind: 'start', code: undefined },
      { kind: 'text', text: '/starting' },
    ]);
    const first = r.inbox[0]!;
    expect(first.channel).toBe('telegram');
    expect(first.channelUserId).toBe(String(PATIENT));
    expect(first.channelMessageId).toBe(`${PATIENT}:1`);
    expect(first.displayName).toBe(`Pasien ${PATIENT}`);
    expect(first.sentAt % 1000).toBe(0);
  });

  it('reports every media kind a patient can send as media, with its caption', async () => {
    const r = await rig();
    const kinds: MediaField[] = ['sticker', 'photo', 'voice', 'audio', 'video', 'video_note', 'document', 'animation'];
    for (const k of kinds) r.api.sendMedia(PATIENT, k, k === 'photo' ? 'hasil rontgen' : undefined);
    await r.next(kinds.length);
    expect(r.inbox.map((m) => m.content)).toEqual([
      { kind: 'media', media: 'sticker' },
      { kind: 'media', media: 'photo', caption: 'hasil rontgen' },
      { kind: 'media', media: 'voice' },
      { kind: 'media', media: 'audio' },
      { kind: 'media', media: 'video' },
      { kind: 'media', media: 'video' }, // a round video note
      { kind: 'media', media: 'document' },
      { kind: 'media', media: 'animation' }, // a GIF, which Telegram also labels as a document
    ]);
  });

  it('takes the patient\'s own number from the share-phone button, but not from someone else\'s card', async () => {
    const r = await rig();
    r.api.sendContact(PATIENT, { firstName: 'Budi', lastName: 'Santoso', phone: '6281211112222', own: true });
    r.api.sendContact(PATIENT, { firstName: 'Siti', phone: '0812-3456-7890', userId: 55 });
    await r.next(2);
    expect(r.inbox[0]!.phone).toBe('+6281211112222');
    expect(r.inbox[0]!.content).toEqual({ kind: 'contacts', contacts: [{ name: 'Budi Santoso', phone: '6281211112222' }] });
    expect(r.inbox[1]!.phone).toBeUndefined();
    expect(r.inbox[1]!.content).toEqual({ kind: 'contacts', contacts: [{ name: 'Siti', phone: '0812-3456-7890' }] });
  });

  it('passes on locations and records edits against the original message', async () => {
    const r = await rig();
    r.api.sendLocation(PATIENT, -6.2, 106.816666);
    const original = r.api.sendText(PATIENT, 'demam sejak senin');
    const messageId = (original.message as { message_id: number }).message_id;
    r.api.editText(PATIENT, messageId, 'demam sejak selasa');
    await r.next(3);
    expect(r.inbox[0]!.content).toEqual({ kind: 'location', latitude: -6.2, longitude: 106.816666 });
    const edit = r.inbox[2]!;
    expect(edit.content).toEqual({ kind: 'edited', text: 'demam sejak selasa', originalId: r.inbox[1]!.channelMessageId });
    expect(edit.channelMessageId).toMatch(new RegExp(`^${PATIENT}:${messageId}:e\\d+$`));
  });

  it('ignores groups, supergroups and channels (and leaves them when asked), then keeps serving patients', async () => {
    const r = await rig({ leaveGroups: true });
    r.api.sendGroupText(-4001, 'halo semua', 'group');
    r.api.sendGroupText(-1004002, 'halo grup', 'supergroup');
    r.api.sendGroupText(-1004003, 'pengumuman', 'channel');
    r.api.sendText(PATIENT, 'saya pasien');
    const m = await r.next(1);
    expect(m.content).toEqual({ kind: 'text', text: 'saya pasien' });
    expect(r.inbox).toHaveLength(1);
    expect(r.api.leftChats).toEqual([-4001, -1004002]);
    const ignored = r.log.lines.filter((l) => l.msg === 'telegram update ignored').map((l) => l.obj);
    expect(ignored).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'not_private', chatType: 'group' }),
        expect.objectContaining({ reason: 'not_private', chatType: 'supergroup' }),
        expect.objectContaining({ reason: 'unsupported_update', updateType: 'channel_post' }),
      ]),
    );
  });

  it('skips an update type it does not know, logging only its type, and keeps polling', async () => {
    const r = await rig();
    r.api.sendUnknown('message_reaction', PATIENT);
    r.api.sendText(PATIENT, 'masih di sini');
    const m = await r.next(1);
    expect(m.content).toEqual({ kind: 'text', text: 'masih di sini' });
    expect(r.log.lines).toContainEqual(
      expect.objectContaining({ obj: expect.objectContaining({ updateType: 'message_reaction', reason: 'unsupported_update' }) }),
    );
  });

  it('answers every button press so it stops spinning, even when the handler fails', async () => {
    let failNext = true;
    const r = await rig({
      handlerAttempts: 3,
      handler: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('queue down');
        }
      },
    });
    await r.channel.send({
      id: 'q1',
      channelUserId: String(PATIENT),
      text: 'Apakah Anda demam?',
      choices: [
        { value: 'yes', label: 'Ya' },
        { value: 'no', label: 'Tidak' },
      ],
    });
    const press = r.api.pressButton(PATIENT, 'Tidak');
    const m = await r.next(1);
    const queryId = (press.callback_query as { id: string }).id;
    expect(m.content).toEqual({ kind: 'choice', value: 'no', label: 'Tidak' });
    expect(m.channelMessageId).toBe(`cb:${queryId}`);
    // Answered once, right after the failed first attempt, not again on the successful retry.
    expect(r.api.answeredCallbacks).toEqual([{ callbackQueryId: queryId }]);
  });

  it('retries an update whose handler failed before moving on, so nothing is lost or reordered', async () => {
    let failures = 2;
    const r = await rig({
      handler: async (m) => {
        if (m.content.kind === 'text' && m.content.text === 'satu' && failures-- > 0) throw new Error('redis unavailable');
      },
    });
    r.api.sendText(PATIENT, 'satu');
    r.api.sendText(PATIENT, 'dua');
    await r.next(2);
    expect(r.inbox.map((m) => (m.content.kind === 'text' ? m.content.text : '?'))).toEqual(['satu', 'dua']);
    const errors = r.log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0]!.obj).toMatchObject({ attempt: 1, error: 'Error' });
  });

  it('skips an update that keeps failing after its attempts, instead of stalling every patient', async () => {
    const r = await rig({
      handlerAttempts: 2,
      handler: async (m) => {
        if (m.content.kind === 'text' && m.content.text === 'racun') throw new Error('bug');
      },
    });
    r.api.sendText(PATIENT, 'racun');
    r.api.sendText(PATIENT, 'berikutnya');
    const m = await r.next(1);
    expect(m.content).toEqual({ kind: 'text', text: 'berikutnya' });
    expect(r.log.lines.some((l) => l.msg === 'telegram update handler kept failing, update skipped')).toBe(true);
  });

  it('never logs message text or phone numbers', async () => {
    const r = await rig({ handler: async () => Promise.reject(new Error('boom: saya demam +6281299998888')), handlerAttempts: 1 });
    r.api.sendText(PATIENT, 'rahasia saya demam');
    r.api.sendContact(PATIENT, { firstName: 'Budi', phone: '+6281299998888', own: true });
    r.api.sendUnknown();
    await waitFor(() => (r.api.pendingUpdates().length === 0 && r.log.lines.length >= 4 ? true : undefined), 'updates handled');
    const logged = JSON.stringify(r.log.lines);
    expect(logged).not.toMatch(/rahasia|demam|6281299998888|Budi/);
  });

  it('confirms handled updates on stop, so a restart does not see them again', async () => {
    const r = await rig();
    r.api.sendText(PATIENT, 'halo');
    await r.next(1);
    await r.channel.stop();
    expect(r.api.pendingUpdates()).toEqual([]);
    const inbox2: InboundMessage[] = [];
    await r.channel.start(async (m) => void inbox2.push(m));
    r.api.sendText(PATIENT, 'lagi');
    await waitFor(() => (inbox2.length ? true : undefined), 'second start');
    expect(inbox2.map((m) => m.content)).toEqual([{ kind: 'text', text: 'lagi' }]);
  });
});

describe('telegram reconnect', () => {
  it('keeps polling through a Bot API outage and delivers what arrived meanwhile', async () => {
    const r = await rig();
    r.api.sendText(PATIENT, 'sebelum');
    await r.next(1);
    await r.api.stop();
    await waitFor(() => (r.log.lines.some((l) => l.msg === 'telegram polling failed, retrying') ? true : undefined), 'a failed poll');
    r.api.sendText(PATIENT, 'selama gangguan'); // queued on Telegram's side while we cannot reach it
    await new Promise((res) => setTimeout(res, 150));
    await r.api.restart();
    r.api.sendText(PATIENT, 'sesudah');
    await r.next(3);
    expect(r.inbox.map((m) => (m.content.kind === 'text' ? m.content.text : '?'))).toEqual(['sebelum', 'selama gangguan', 'sesudah']);
    expect(r.log.lines.some((l) => l.msg === 'telegram polling resumed')).toBe(true);
  });

  it('backs off on 5xx and 429 from getUpdates and resumes', async () => {
    const r = await rig({}, false);
    r.api.failNext('getUpdates', { code: 502, description: 'Bad Gateway' });
    r.api.failNext('getUpdates', { code: 429, description: 'Too Many Requests: retry after 1', retryAfterSec: 1 });
    await r.channel.start(async (m) => void r.inbox.push(m));
    r.api.sendText(PATIENT, 'halo');
    await r.next(1);
    const failed = r.log.lines.filter((l) => l.msg === 'telegram polling failed, retrying').map((l) => l.obj);
    expect(failed).toEqual([
      expect.objectContaining({ method: 'getUpdates', code: 502, failures: 1 }),
      expect.objectContaining({ method: 'getUpdates', code: 429, failures: 2 }),
    ]);
  });
});

describe('telegram outbound', () => {
  const to = String(PATIENT);

  it('sends plain text without parse_mode, so markup characters arrive literally', async () => {
    const r = await rig({}, false);
    const text = 'Hasil <b>negatif</b> *bukan* _miring_';
    const result = await r.channel.send({ id: 'o1', channelUserId: to, text });
    expect(result).toEqual({ ok: true, channelMessageIds: [`${PATIENT}:1`] });
    const params = r.api.callsOf('sendMessage')[0]!;
    expect(params).toEqual({ chat_id: PATIENT, text });
    expect(r.api.sent(PATIENT)[0]!.text).toBe(text);
  });

  it('puts choices on the last part, one button per row, carrying the value', async () => {
    const r = await rig({}, false);
    const long = 'Informasi penting tentang isolasi mandiri. '.repeat(200).trim();
    const result = await r.channel.send({
      id: 'o2',
      channelUserId: to,
      text: long,
      choices: [
        { value: 'home', label: 'Rumah' },
        { value: 'hospital', label: 'Rumah sakit' },
      ],
    });
    expect(result.ok && result.channelMessageIds).toHaveLength(3);
    const sent = r.api.sent(PATIENT);
    expect(sent.every((m) => m.text.length <= 4096)).toBe(true);
    expect(sent.slice(0, -1).every((m) => m.replyMarkup === undefined)).toBe(true);
    expect(sent.at(-1)!.replyMarkup).toEqual({
      inline_keyboard: [[{ text: 'Rumah', callback_data: 'home' }], [{ text: 'Rumah sakit', callback_data: 'hospital' }]],
    });
  });

  it('offers a share-my-number keyboard when asked, and removes it with the next message', async () => {
    const r = await rig({}, false);
    await r.channel.send({ id: 'o3', channelUserId: to, text: 'Nomor HP Anda?', requestPhone: true });
    await r.channel.send({ id: 'o4', channelUserId: to, text: 'Terima kasih' });
    await r.channel.send({ id: 'o5', channelUserId: to, text: 'Pertanyaan berikutnya' });
    const [ask, thanks, nextQ] = r.api.sent(PATIENT);
    expect(ask!.replyMarkup).toEqual({
      keyboard: [[{ text: SHARE_PHONE_LABEL, request_contact: true }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
    expect(thanks!.replyMarkup).toEqual({ remove_keyboard: true });
    expect(nextQ!.replyMarkup).toBeUndefined();
  });

  it('turns 429 into retry_after with Telegram\'s wait', async () => {
    const r = await rig({}, false);
    r.api.rateLimitNext(PATIENT, 7);
    expect(await r.channel.send({ id: 'o6', channelUserId: to, text: 'Halo' })).toMatchObject({ ok: false, kind: 'retry_after', retryAfterMs: 7000 });
    expect(await r.channel.send({ id: 'o6', channelUserId: to, text: 'Halo' })).toMatchObject({ ok: true });
  });

  it('says a patient who blocked the bot is permanently unreachable', async () => {
    const r = await rig({}, false);
    r.api.block(PATIENT);
    const result = await r.channel.send({ id: 'o7', channelUserId: to, text: 'Halo' });
    expect(result).toMatchObject({ ok: false, kind: 'permanent', reason: 'blocked' });
    if (!result.ok) expect(result.detail).toContain('sendMessage');
  });

  it('classifies chat not found, bad requests, server errors and an unreachable API', async () => {
    const r = await rig({}, false);
    r.api.forgetChat(42);
    expect(await r.channel.send({ id: 'a', channelUserId: '42', text: 'x' })).toMatchObject({ kind: 'permanent', reason: 'not_found' });
    expect(await r.channel.send({ id: 'b', channelUserId: to, text: '   ' })).toMatchObject({ kind: 'permanent', reason: 'forbidden' });
    r.api.failNext('sendMessage', { code: 502, description: 'Bad Gateway' });
    expect(await r.channel.send({ id: 'c', channelUserId: to, text: 'x' })).toMatchObject({ kind: 'transient' });
    expect(
      await r.channel.send({ id: 'd', channelUserId: to, text: 'x', choices: [{ value: 'v'.repeat(65), label: 'Panjang' }] }),
    ).toMatchObject({ kind: 'permanent', reason: 'forbidden' });
    await r.api.stop();
    expect(await r.channel.send({ id: 'e', channelUserId: to, text: 'x' })).toMatchObject({ ok: false, kind: 'transient' });
  });

  it('does not repeat parts already delivered when a long reply is retried', async () => {
    const r = await rig({}, false);
    const text = 'Kalimat panjang tentang gejala dan karantina. '.repeat(150).trim(); // two parts
    r.api.rateLimitNext(PATIENT, 1);
    // First try: 429 on part one. Second try: part one goes out, 429 on part two. Third try: only part two is sent.
    expect(await r.channel.send({ id: 'long', channelUserId: to, text })).toMatchObject({ kind: 'retry_after', retryAfterMs: 1000 });
    r.api.failNext('sendMessage', { code: 429, description: 'Too Many Requests: retry after 2', retryAfterSec: 2 }, { chatId: PATIENT, after: 1 });
    expect(await r.channel.send({ id: 'long', channelUserId: to, text })).toMatchObject({ kind: 'retry_after', retryAfterMs: 2000 });
    expect(r.api.sent(PATIENT)).toHaveLength(1);
    const done = await r.channel.send({ id: 'long', channelUserId: to, text });
    expect(done).toEqual({ ok: true, channelMessageIds: [`${PATIENT}:1`, `${PATIENT}:2`] });
    expect(r.api.sent(PATIENT).map((m) => m.text).join(' ')).toBe(text);
  });
});

describe('telegram bot identity', () => {
  it('builds a deep link from getMe, once, and accepts an API root with a path', async () => {
    const api = await FakeTelegramApi.start();
    cleanups.push(() => api.close());
    const channel = createTelegramChannel({ token: api.token, apiRoot: `${api.apiRoot}proxy/tg`, logger: captureLogger() });
    expect(await channel.deepLink('case_123')).toBe('https://t.me/tracebot_test_bot?start=case_123');
    expect(await channel.botUsername()).toBe('tracebot_test_bot');
    expect(api.callsOf('getMe')).toHaveLength(1);
    expect(api.calls[0]!.path).toBe(`/proxy/tg/bot${api.token}/getMe`);
    await expect(channel.deepLink('no spaces')).rejects.toThrow();
  });
});

describe('telegram webhook mode', () => {
  async function webhookRig(handler: (m: InboundMessage) => Promise<void> = async () => {}) {
    const api = await FakeTelegramApi.start();
    const log = captureLogger();
    const inbox: InboundMessage[] = [];
    // The web server's part, reduced to its essence: parse JSON, hand headers and body to the channel.
    let channel: TelegramChannel | undefined;
    const server: Server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      const { status } = await channel!.handleWebhook(req.headers, body);
      res.writeHead(status).end();
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook`;
    channel = createTelegramChannel({
      token: api.token,
      apiRoot: api.apiRoot,
      logger: log,
      webhook: { url, secret: 'rahasia_Webhook-123' },
    });
    cleanups.push(async () => {
      await channel!.stop();
      await new Promise((res) => server.close(res));
      await api.close();
    });
    return { api, channel, inbox, log, url, start: () => channel!.start(async (m) => {
      await handler(m);
      inbox.push(m);
    }) };
  }

  it('registers the webhook with its secret and never polls', async () => {
    const w = await webhookRig();
    expect(w.channel.mode).toBe('webhook');
    await w.start();
    expect(w.api.webhook).toEqual({ url: w.url, secret: 'rahasia_Webhook-123' });
    expect(w.api.callsOf('getUpdates')).toHaveLength(0);
  });

  it('processes an update carrying the right secret', async () => {
    const w = await webhookRig();
    await w.start();
    const status = await w.api.postToWebhook(w.api.sendText(PATIENT, 'lewat webhook'));
    expect(status).toBe(200);
    expect(w.inbox.map((m) => m.content)).toEqual([{ kind: 'text', text: 'lewat webhook' }]);
  });

  it('rejects a wrong or missing secret with 401 and processes nothing', async () => {
    const w = await webhookRig();
    await w.start();
    expect(await w.api.postToWebhook(w.api.sendText(PATIENT, 'palsu'), { secret: 'rahasia_Webhook-124' })).toBe(401);
    expect(await w.api.postToWebhook(w.api.sendText(PATIENT, 'palsu'), { secret: null })).toBe(401);
    expect(w.inbox).toEqual([]);
    expect(w.api.answeredCallbacks).toEqual([]);
  });

  it('answers 400 to a body that is not an Update, and 500 when the handler failed so Telegram redelivers', async () => {
    const w = await webhookRig(async () => {
      throw new Error('queue down');
    });
    await w.start();
    expect(await w.api.postToWebhook({ hello: 'world' })).toBe(400);
    expect(await w.api.postToWebhook({ update_id: 5, message: { text: 'no chat' } })).toBe(400);
    expect(await w.api.postToWebhook(w.api.sendText(PATIENT, 'gagal'))).toBe(500);
    expect(await w.api.postToWebhook(w.api.sendUnknown())).toBe(200);
  });

  it('answers 503 before start, so Telegram keeps the update', async () => {
    const w = await webhookRig();
    const status = await w.channel.handleWebhook({ 'x-telegram-bot-api-secret-token': 'rahasia_Webhook-123' }, { update_id: 1 });
    expect(status).toEqual({ status: 503 });
  });
});
