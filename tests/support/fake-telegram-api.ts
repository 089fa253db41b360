import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A fake Telegram Bot API on 127.0.0.1 that speaks the real protocol (`POST /bot<token>/<method>`, JSON, form or query
 * parameters, `{ok, result}` / `{ok:false, error_code, description, parameters}` answers). Patients are simulated by injecting
 * real-shaped updates; what the bot sent is recorded per chat. Failures can be scripted, and the server can be stopped and
 * restarted on the same port to simulate an outage.
 */

export type Json = Record<string, unknown>;
export type FakeUpdate = { update_id: number } & Json;

export interface FakeSentMessage {
  chatId: number;
  messageId: number;
  text: string;
  /** The reply_markup the bot sent, as parsed JSON. */
  replyMarkup?: Json;
  /** Labels of the inline buttons, in order (empty when none). */
  buttons: string[];
}

export interface ScriptedError {
  code: number;
  description: string;
  retryAfterSec?: number;
}

export type MediaField = 'sticker' | 'photo' | 'voice' | 'audio' | 'video' | 'video_note' | 'document' | 'animation';

/** One getUpdates request: who asked (the path, whose prefix tells processes apart), from which offset, and when. */
export interface FakePoll {
  path: string;
  offset: number;
  startedAt: number;
  /** When it was answered, or its connection closed (the poller aborted it, or died); unset while held. */
  endedAt?: number;
}

interface Waiter {
  wake: () => void;
}

const BOT = { id: 7000000001, is_bot: true, first_name: 'Tracebot Test', username: 'tracebot_test_bot' };

function fileRef(n: number): Json {
  return { file_id: `AgAC-file-${n}`, file_unique_id: `uniq-${n}` };
}

/** Real-shaped payloads per media kind (a GIF arrives as both animation and document, as Telegram sends it). */
function mediaPayload(kind: MediaField, n: number): Json {
  const f = fileRef(n);
  switch (kind) {
    case 'sticker':
      return { sticker: { ...f, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' } };
    case 'photo':
      return {
        photo: [
          { ...f, width: 90, height: 67, file_size: 1200 },
          { ...fileRef(n + 1), width: 800, height: 600, file_size: 52000 },
        ],
      };
    case 'voice':
      return { voice: { ...f, duration: 4, mime_type: 'audio/ogg', file_size: 9000 } };
    case 'audio':
      return { audio: { ...f, duration: 120, mime_type: 'audio/mpeg', title: 'Lagu', file_size: 2_000_000 } };
    case 'video':
      return { video: { ...f, width: 640, height: 360, duration: 8, mime_type: 'video/mp4' } };
    case 'video_note':
      return { video_note: { ...f, length: 240, duration: 5 } };
    case 'document':
      return { document: { ...f, file_name: 'hasil-lab.pdf', mime_type: 'application/pdf' } };
    case 'animation': {
      const anim = { ...f, width: 320, height: 240, duration: 2, file_name: 'lol.mp4', mime_type: 'video/mp4' };
      return { animation: anim, document: { ...f, file_name: 'lol.mp4', mime_type: 'video/mp4' } };
    }
  }
}

/** A fake Telegram Bot API server; create with `FakeTelegramApi.start()`. */
export class FakeTelegramApi {
  readonly token: string;
  readonly bot = BOT;
  /** Every API call, oldest first (method and parsed parameters). */
  readonly calls: { method: string; params: Json; path: string }[] = [];
  /** The registered webhook, as setWebhook recorded it. */
  webhook: { url: string; secret?: string } | undefined;
  readonly answeredCallbacks: { callbackQueryId: string; text?: string }[] = [];
  readonly leftChats: number[] = [];
  /** Every getUpdates request with its timing, oldest first (to check that two pollers never overlap). */
  readonly polls: FakePoll[] = [];

  private server: Server;
  private portNumber = 0;
  private readonly maxHoldMs: number;
  private nextUpdateId = 1000;
  private readonly queue: FakeUpdate[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly sentByChat = new Map<number, FakeSentMessage[]>();
  private readonly messageIds = new Map<number, number>();
  private readonly lastFromPatient = new Map<number, FakeUpdate>();
  private readonly failures: { method: string; chatId?: number; after: number; error: ScriptedError }[] = [];
  private readonly blocked = new Set<number>();
  private readonly unknownChats = new Set<number>();
  private clock = 1_700_000_000;
  private callbackSeq = 0;

  private constructor(opts: { token?: string; maxHoldMs?: number }) {
    this.token = opts.token ?? '123456:TEST-fake-token_abc';
    this.maxHoldMs = opts.maxHoldMs ?? 300;
    this.server = this.makeServer();
  }

  /** Start a fake on a free port. `maxHoldMs` caps how long an empty long poll is held (Telegram: `timeout` seconds). */
  static async start(opts: { token?: string; maxHoldMs?: number } = {}): Promise<FakeTelegramApi> {
    const api = new FakeTelegramApi(opts);
    await api.listen(0);
    return api;
  }

  get port(): number {
    return this.portNumber;
  }

  /** The apiRoot to give telegraf (ends in '/'). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.portNumber}/`;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Stop listening and cut every open connection (held long polls included). State is kept for `restart()`. */
  async stop(): Promise<void> {
    for (const w of this.waiters) w.wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Listen again on the same port, with the same state. */
  async restart(): Promise<void> {
    this.server = this.makeServer();
    await this.listen(this.portNumber);
  }

  /** Stop for good. */
  async close(): Promise<void> {
    if (this.server.listening) await this.stop();
  }

  // ---------------------------------------------------------------- patient side

  /** Queue a raw update (update_id assigned) for getUpdates; returns it. */
  pushUpdate(body: Json): FakeUpdate {
    const update: FakeUpdate = { update_id: this.nextUpdateId++, ...body };
    this.queue.push(update);
    for (const w of this.waiters) w.wake();
    return update;
  }

  /** Updates not yet confirmed by a getUpdates offset. */
  pendingUpdates(): FakeUpdate[] {
    return [...this.queue];
  }

  /** A patient in private chat `chatId` sends a text (also `/start CODE`). */
  sendText(chatId: number, text: string): FakeUpdate {
    return this.patientMessage(chatId, { text, ...(text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } : {}) });
  }

  /** The patient opens `t.me/<bot>?start=<code>` (or taps Start without a code). */
  sendStart(chatId: number, code?: string): FakeUpdate {
    return this.sendText(chatId, code === undefined ? '/start' : `/start ${code}`);
  }

  /** The patient sends a media message of `kind`. */
  sendMedia(chatId: number, kind: MediaField, caption?: string): FakeUpdate {
    return this.patientMessage(chatId, { ...mediaPayload(kind, this.clock), ...(caption !== undefined ? { caption } : {}) });
  }

  /** The patient shares a contact card; `own` shares their own number (contact.user_id = the sender), as the phone button does. */
  sendContact(chatId: number, contact: { firstName: string; lastName?: string; phone: string; own?: boolean; userId?: number }): FakeUpdate {
    const userId = contact.own ? chatId : contact.userId;
    return this.patientMessage(chatId, {
      contact: {
        phone_number: contact.phone,
        first_name: contact.firstName,
        ...(contact.lastName ? { last_name: contact.lastName } : {}),
        ...(userId !== undefined ? { user_id: userId } : {}),
      },
    });
  }

  sendLocation(chatId: number, latitude: number, longitude: number): FakeUpdate {
    return this.patientMessage(chatId, { location: { latitude, longitude } });
  }

  /** The patient edits their earlier message `messageId`. */
  editText(chatId: number, messageId: number, text: string): FakeUpdate {
    const date = this.tick();
    return this.pushUpdate({
      edited_message: { message_id: messageId, from: this.user(chatId), chat: this.privateChat(chatId), date: date - 30, edit_date: date, text },
    });
  }

  /** Press the inline button labelled `label` on the latest bot message in the chat that has it. */
  pressButton(chatId: number, label: string): FakeUpdate {
    const sent = [...(this.sentByChat.get(chatId) ?? [])].reverse().find((m) => m.buttons.includes(label));
    if (!sent) throw new Error(`fake telegram: no button "${label}" in chat ${chatId}`);
    const rows = (sent.replyMarkup?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][];
    const button = rows.flat().find((b) => b.text === label)!;
    const update = this.pushUpdate({
      callback_query: {
        id: `${4_382_000_000 + ++this.callbackSeq}`,
        from: this.user(chatId),
        message: this.messageShape(sent),
        chat_instance: `-${chatId}77`,
        data: button.callback_data,
      },
    });
    this.lastFromPatient.set(chatId, update);
    return update;
  }

  /** A message in a group/supergroup/channel the bot is a member of. */
  sendGroupText(chatId: number, text: string, type: 'group' | 'supergroup' | 'channel' = 'group', fromId = 424242): FakeUpdate {
    const key = type === 'channel' ? 'channel_post' : 'message';
    return this.pushUpdate({
      [key]: {
        message_id: this.nextMessageId(chatId),
        ...(type === 'channel' ? {} : { from: this.user(fromId) }),
        chat: { id: chatId, type, title: 'Grup RT 05' },
        date: this.tick(),
        text,
      },
    });
  }

  /** An update type the adapter does not handle (default a reaction to a message). */
  sendUnknown(type = 'message_reaction', chatId = 555): FakeUpdate {
    return this.pushUpdate({
      [type]: {
        chat: this.privateChat(chatId),
        message_id: 1,
        user: this.user(chatId),
        date: this.tick(),
        old_reaction: [],
        new_reaction: [{ type: 'emoji', emoji: '👍' }],
      },
    });
  }

  /** Telegram delivers the patient's last update again (same content and message id, as after an unconfirmed offset). */
  redeliverLast(chatId: number): FakeUpdate {
    const last = this.lastFromPatient.get(chatId);
    if (!last) throw new Error(`fake telegram: nothing to redeliver in chat ${chatId}`);
    const { update_id: _ignored, ...body } = last;
    return this.pushUpdate(body);
  }

  /** POST an update to the registered webhook: `secret` undefined sends the registered one, null sends no header. */
  async postToWebhook(update: Json, opts: { secret?: string | null } = {}): Promise<number> {
    if (!this.webhook) throw new Error('fake telegram: no webhook set');
    const secret = opts.secret === undefined ? this.webhook.secret : opts.secret;
    const body = JSON.stringify(update);
    const url = new URL(this.webhook.url);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(secret !== null && secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  // ---------------------------------------------------------------- bot side

  /** What the bot sent to a chat, oldest first. */
  sent(chatId: number): FakeSentMessage[] {
    return [...(this.sentByChat.get(chatId) ?? [])];
  }

  /** Calls of one method, oldest first. */
  callsOf(method: string): Json[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }

  // ---------------------------------------------------------------- failures

  /**
   * The next call of `method` (to `chatId`, if given; after letting `after` matching calls through) fails with `error`.
   * 5xx codes answer with a bare HTTP error, as a proxy in front of Telegram would.
   */
  failNext(method: string, error: ScriptedError, opts: { chatId?: number; after?: number } = {}): void {
    this.failures.push({ method, error, after: opts.after ?? 0, ...(opts.chatId !== undefined ? { chatId: opts.chatId } : {}) });
  }

  /** The next sendMessage to `chatId` gets 429 Too Many Requests with `retry_after`. */
  rateLimitNext(chatId: number, retryAfterSec: number): void {
    this.failNext('sendMessage', { code: 429, description: `Too Many Requests: retry after ${retryAfterSec}`, retryAfterSec }, { chatId });
  }

  /** Every sendMessage to `chatId` gets 403 "bot was blocked by the user". */
  block(chatId: number): void {
    this.blocked.add(chatId);
  }

  /** Every sendMessage to `chatId` gets 400 "chat not found". */
  forgetChat(chatId: number): void {
    this.unknownChats.add(chatId);
  }

  // ---------------------------------------------------------------- internals

  private tick(): number {
    return ++this.clock;
  }

  private nextMessageId(chatId: number): number {
    const n = (this.messageIds.get(chatId) ?? 0) + 1;
    this.messageIds.set(chatId, n);
    return n;
  }

  private user(id: number): Json {
    return { id, is_bot: false, first_name: 'Pasien', last_name: `${id}`, language_code: 'id' };
  }

  private privateChat(id: number): Json {
    return { id, type: 'private', first_name: 'Pasien', last_name: `${id}` };
  }

  private patientMessage(chatId: number, content: Json): FakeUpdate {
    const update = this.pushUpdate({
      message: { message_id: this.nextMessageId(chatId), from: this.user(chatId), chat: this.privateChat(chatId), date: this.tick(), ...content },
    });
    this.lastFromPatient.set(chatId, update);
    return update;
  }

  private messageShape(m: FakeSentMessage): Json {
    const inline = m.replyMarkup && 'inline_keyboard' in m.replyMarkup ? { reply_markup: m.replyMarkup } : {};
    return { message_id: m.messageId, from: BOT, chat: this.privateChat(m.chatId), date: this.tick(), text: m.text, ...inline };
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.portNumber = (this.server.address() as AddressInfo).port;
  }

  private makeServer(): Server {
    return createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error_code: 500, description: String(err) }));
        }
      });
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Any prefix is allowed, like a reverse proxy in front of a local Bot API server (apiRoot with a path).
    const match = /\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const reply = (status: number, payload: Json) => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    const params = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    const normalised = normaliseParams(params);
    this.calls.push({ method, params: normalised, path: url.pathname });

    const chatId = typeof normalised.chat_id === 'number' ? normalised.chat_id : undefined;
    const scripted = this.failures.findIndex((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (scripted >= 0 && this.failures[scripted]!.after > 0) {
      this.failures[scripted]!.after -= 1;
    } else if (scripted >= 0) {
      const { error } = this.failures.splice(scripted, 1)[0]!;
      if (error.code >= 500) {
        res.writeHead(error.code, { 'content-type': 'text/plain' });
        res.end(error.description);
        return;
      }
      return reply(error.code, {
        ok: false,
        error_code: error.code,
        description: error.description,
        ...(error.retryAfterSec !== undefined ? { parameters: { retry_after: error.retryAfterSec } } : {}),
      });
    }
    const ok = (result: unknown) => reply(200, { ok: true, result });
    const bad = (code: number, description: string) => reply(code, { ok: false, error_code: code, description });

    switch (method) {
      case 'getMe':
        return ok({ ...BOT, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'setWebhook': {
        if (typeof normalised.url !== 'string') return bad(400, 'Bad Request: bad webhook: URL is empty');
        const secret = typeof normalised.secret_token === 'string' ? normalised.secret_token : undefined;
        this.webhook = { url: normalised.url, ...(secret ? { secret } : {}) };
        return ok(true);
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok(true);
      case 'getUpdates':
        return this.getUpdates(normalised, res, ok, bad, url.pathname);
      case 'sendMessage':
        return this.sendMessage(normalised, ok, bad);
      case 'answerCallbackQuery': {
        const id = String(normalised.callback_query_id ?? '');
        this.answeredCallbacks.push({ callbackQueryId: id, ...(typeof normalised.text === 'string' ? { text: normalised.text } : {}) });
        return ok(true);
      }
      case 'leaveChat':
        if (chatId !== undefined) this.leftChats.push(chatId);
        return ok(true);
      case 'sendChatAction':
        return ok(true);
      default:
        return bad(404, 'Not Found');
    }
  }

  private async getUpdates(p: Json, res: ServerResponse, ok: (r: unknown) => void, bad: (c: number, d: string) => void, path: string): Promise<void> {
    if (this.webhook) return bad(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = typeof p.offset === 'number' ? p.offset : 0;
    const poll: FakePoll = { path, offset, startedAt: Date.now() };
    this.polls.push(poll);
    res.once('close', () => (poll.endedAt ??= Date.now()));
    const limit = typeof p.limit === 'number' && p.limit > 0 ? Math.min(p.limit, 100) : 100;
    const timeoutMs = Math.min((typeof p.timeout === 'number' ? p.timeout : 0) * 1000, this.maxHoldMs);
    // An offset confirms every update below it, for good.
    while (this.queue.length && this.queue[0]!.update_id < offset) this.queue.shift();
    if (!this.queue.length && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const waiter: Waiter = {
          wake: () => {
            clearTimeout(timer);
            res.off('close', waiter.wake);
            this.waiters.delete(waiter);
            resolve();
          },
        };
        const timer = setTimeout(waiter.wake, timeoutMs);
        this.waiters.add(waiter);
        // The client gave up (aborted its long poll, or we cut connections in stop()).
        res.once('close', waiter.wake);
      });
    }
    poll.endedAt ??= Date.now();
    return ok(this.queue.slice(0, limit));
  }

  private sendMessage(p: Json, ok: (r: unknown) => void, bad: (c: number, d: string) => void): void {
    const chatId = p.chat_id;
    if (typeof chatId !== 'number') return bad(400, 'Bad Request: chat_id is empty');
    if (this.blocked.has(chatId)) return bad(403, 'Forbidden: bot was blocked by the user');
    if (this.unknownChats.has(chatId)) return bad(400, 'Bad Request: chat not found');
    const text = typeof p.text === 'string' ? p.text : '';
    if (!text.trim()) return bad(400, 'Bad Request: message text is empty');
    if (text.length > 4096) return bad(400, 'Bad Request: message is too long');
    const markup = p.reply_markup && typeof p.reply_markup === 'object' ? (p.reply_markup as Json) : undefined;
    const rows = (markup?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][];
    for (const b of rows.flat()) {
      if (b.callback_data !== undefined && Buffer.byteLength(b.callback_data) > 64) return bad(400, 'Bad Request: BUTTON_DATA_INVALID');
    }
    const message: FakeSentMessage = {
      chatId,
      messageId: this.nextMessageId(chatId),
      text,
      ...(markup ? { replyMarkup: markup } : {}),
      buttons: rows.flat().map((b) => b.text),
    };
    const list = this.sentByChat.get(chatId) ?? [];
    list.push(message);
    this.sentByChat.set(chatId, list);
    ok(this.messageShape(message));
  }
}

async function readParams(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw) as Json;
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  throw new Error(`fake telegram: unsupported content-type ${type}`);
}

const NUMERIC = new Set(['chat_id', 'offset', 'limit', 'timeout', 'message_id', 'user_id', 'cache_time', 'max_connections']);
const BOOLEAN = new Set(['drop_pending_updates', 'show_alert', 'disable_notification']);
const JSON_VALUED = new Set(['reply_markup', 'allowed_updates', 'link_preview_options', 'entities']);

/** Form and query values are strings, and chat_id may be a numeric string: decode them the way the Bot API does. */
function normaliseParams(params: Json): Json {
  const out: Json = { ...params };
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') continue;
    if (NUMERIC.has(k) && /^-?\d+$/.test(v)) out[k] = Number(v);
    else if (BOOLEAN.has(k)) out[k] = v === 'true';
    else if (JSON_VALUED.has(k)) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    }
  }
  return out;
}
