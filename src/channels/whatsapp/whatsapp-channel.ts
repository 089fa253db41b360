import { EventEmitter } from 'node:events';
import { DisconnectReason, type WAMessageKey, type proto } from '@whiskeysockets/baileys';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { WhatsAppAuthRepository } from '../../domain/repositories/whatsapp-auth.js';
import type { Channel, InboundHandler, InboundMessage, OutboundMessage, SendResult } from '../../domain/channel.js';
import { splitText } from '../split-text.js';
import { useSqliteAuthState, type SqliteAuthState } from './auth-state.js';
import { WhatsAppUnavailableError } from './errors.js';
import { normaliseInbound } from './inbound.js';
import { isLidUserJid, isPersonJid, jidForPhone } from './jid.js';
import { LinkState, linkStateKey, reconnectDelay } from './link-state.js';
import { classifySendError, formatOutboundText, outboundMessageId, WHATSAPP_MAX_TEXT } from './outbound.js';
import { SocketLock } from './socket-lock.js';
import { Throttle, type ThrottleLimits } from './throttle.js';
import { createBaileysSocketFactory, type SocketFactory, type WaEventMap, type WaSocket } from './wa-socket.js';

/** Everything the WhatsApp channel needs; time, randomness and the socket are injectable for tests. */
export interface WhatsAppChannelOptions {
  /** Where the session's credentials and keys are stored. */
  authStore: WhatsAppAuthRepository;
  /** Names the linked account: its auth rows and its Redis lock. */
  session: string;
  redis: Redis;
  redisPrefix: string;
  throttle: ThrottleLimits;
  logger: Logger;
  /** Defaults to the real baileys socket. */
  socketFactory?: SocketFactory;
  /** For the default socket factory: a WhatsApp server URL other than the real one. */
  waWebSocketUrl?: string;
  /** The text of an outbound message we sent, by WhatsApp message id (the ids `send` returns), for baileys' resend requests. */
  getMessage?: (id: string) => Promise<string | undefined>;
  /** Where the terminal QR goes; defaults to stdout so an operator can link from the server console. */
  printQr?: (terminalQr: string) => void;
  /** Time for message timestamps and send pacing (lease timing always uses real time: it races real Redis expiry). */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Socket-holder lease: ttl, and how often a non-holder tries to take it. Defaults 30 s / 5 s. */
  lock?: { ttlMs?: number; retryMs?: number };
  /** Reconnect backoff after a close. Defaults 1 s doubling to 60 s. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** How long `send` waits for a (re)connecting socket before answering transient. Default 15 s. */
  openWaitMs?: number;
  /** "Typing…" time per character, capped; makes replies look human. Defaults 30 ms/char, 2.5 s. */
  typing?: { msPerChar?: number; maxMs?: number };
}

/** The WhatsApp channel: a Channel plus the hooks the admin page and the outreach job need. */
export interface WhatsAppChannel extends Channel {
  readonly name: 'whatsapp';
  /** The current link state (in a non-holder process: the holder's, as last read from Redis). */
  linkState(): LinkState;
  /** Called on every link state change (new QR, open, logged out…). */
  on(event: 'link', listener: (state: LinkState) => void): this;
  off(event: 'link', listener: (state: LinkState) => void): this;
  /** Ask WhatsApp for a pairing code for `phoneE164` (linking without a QR). Throws WhatsAppUnavailableError when this process cannot. */
  requestPairingCode(phoneE164: string): Promise<string>;
  /** Whether `phoneE164` has a WhatsApp account. Throws WhatsAppUnavailableError when not connected; malformed numbers do not exist. */
  checkNumber(phoneE164: string): Promise<{ exists: boolean; jid?: string }>;
  /** The chat id (`channelUserId`) for an E.164 phone. */
  jidForPhone(phoneE164: string): string;
  /** True while this process holds the socket lease. */
  isHolder(): boolean;
}

const BoomStatus = z.looseObject({ output: z.looseObject({ statusCode: z.number() }) });
const RECENT_SENT_LIMIT = 500;
const KNOWN_NUMBERS_LIMIT = 5000;
const HAND_OVER_ATTEMPTS = 4;

/** Create the WhatsApp channel (not started: call `start`). */
export function createWhatsAppChannel(options: WhatsAppChannelOptions): WhatsAppChannel {
  return new BaileysWhatsAppChannel(options);
}

class BaileysWhatsAppChannel implements WhatsAppChannel {
  readonly name = 'whatsapp' as const;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly factory: SocketFactory;
  private readonly throttle: Throttle;
  private readonly lock: SocketLock;
  private readonly linkKey: string;
  private readonly ttlMs: number;
  private readonly retryMs: number;
  private readonly emitter = new EventEmitter();

  private running = false;
  private handler: InboundHandler | undefined;
  private holder = false;
  private lastRenewOkSentAt = 0;
  private renewing = false;
  private ticking = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;

  /** Bumped whenever the current socket is replaced: events from an older socket are ignored. */
  private generation = 0;
  private socket: WaSocket | undefined;
  /** The current connection's auth state: baileys keeps its LID → phone mappings there. */
  private auth: SqliteAuthState | undefined;
  private detach: (() => void) | undefined;
  private link: LinkState;
  private openWaiters = new Set<() => void>();

  private inbound: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private readonly recentSent = new Map<string, string>();
  private readonly knownNumbers = new Set<string>();
  private readonly presenceSubscribed = new Set<string>();

  constructor(private readonly options: WhatsAppChannelOptions) {
    this.log = options.logger.child({ channel: 'whatsapp', session: options.session });
    this.now = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.factory =
      options.socketFactory ??
      createBaileysSocketFactory({
        logger: options.logger,
        ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
      });
    this.throttle = new Throttle(options.throttle, { now: this.now, sleep: this.sleep, random: options.random ?? Math.random });
    const base = `${options.redisPrefix}whatsapp:${options.session}`;
    this.ttlMs = options.lock?.ttlMs ?? 30_000;
    this.retryMs = options.lock?.retryMs ?? 5_000;
    this.lock = new SocketLock(options.redis, `${base}:lock`, this.ttlMs);
    this.linkKey = linkStateKey(options.redisPrefix, options.session);
    this.link = { status: 'disconnected', updatedAt: this.now() };
  }

  // ---- Channel ----

  /** Start: take the socket lease if free (and connect), else keep trying every `lock.retryMs`. */
  async start(onMessage: InboundHandler): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.handler = onMessage;
    await this.tick();
    this.retryTimer = setInterval(() => void this.tick(), this.retryMs);
  }

  /** Stop: close the socket, release the lease, wait for messages being handed over. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.retryTimer);
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.reconnectTimer);
    await this.teardownSocket();
    if (this.holder) {
      this.holder = false;
      // Drop our published link state first (nobody else can publish before the lease is released).
      await this.options.redis.del(this.linkKey).catch(() => undefined);
      await this.lock.release().catch((err: unknown) => this.log.warn({ err }, 'whatsapp lock release failed'));
    }
    this.wakeOpenWaiters();
    await this.inbound;
    this.handler = undefined;
    this.setLink({ status: 'disconnected' }, false);
  }

  /** Send a reply as paced, typed-looking text parts; failures come back as SendResult values. */
  async send(message: OutboundMessage): Promise<SendResult> {
    if (!this.holder) return { ok: false, kind: 'transient', detail: 'not the socket holder' };
    const jid = message.channelUserId;
    if (!isPersonJid(jid)) return { ok: false, kind: 'permanent', reason: 'not_found', detail: 'not a WhatsApp user JID' };
    let sock = await this.waitOpen();
    if (!sock) return { ok: false, kind: 'transient', detail: 'whatsapp connection not open' };

    if (!isLidUserJid(jid) && !this.knownNumbers.has(jid)) {
      try {
        const found = await sock.onWhatsApp(jid);
        if (!found?.some((r) => r.exists)) {
          return { ok: false, kind: 'permanent', reason: 'not_found', detail: 'number is not on WhatsApp' };
        }
        this.remember(this.knownNumbers, jid, KNOWN_NUMBERS_LIMIT);
      } catch (err) {
        return this.failed(err, message.id, 'onWhatsApp');
      }
    }

    const parts = splitText(formatOutboundText(message), WHATSAPP_MAX_TEXT);
    const ids: string[] = [];
    for (const [i, part] of parts.entries()) {
      await this.throttle.wait(jid);
      sock = this.openSocket();
      if (!sock) return { ok: false, kind: 'transient', detail: 'whatsapp connection closed while sending' };
      await this.showTyping(sock, jid, part.length);
      const id = outboundMessageId(message.id, i);
      this.rememberSent(id, part);
      try {
        const sent = await sock.sendMessage(jid, { text: part }, { messageId: id });
        ids.push(sent?.key?.id ?? id);
      } catch (err) {
        return this.failed(err, message.id, 'sendMessage');
      }
    }
    this.log.debug({ outboxId: message.id, parts: ids.length }, 'whatsapp message sent');
    return { ok: true, channelMessageIds: ids };
  }

  // ---- WhatsApp extras ----

  linkState(): LinkState {
    return { ...this.link };
  }

  on(event: 'link', listener: (state: LinkState) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  off(event: 'link', listener: (state: LinkState) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  isHolder(): boolean {
    return this.holder;
  }

  jidForPhone(phoneE164: string): string {
    return jidForPhone(phoneE164);
  }

  async checkNumber(phoneE164: string): Promise<{ exists: boolean; jid?: string }> {
    let jid: string;
    try {
      jid = jidForPhone(phoneE164);
    } catch {
      return { exists: false };
    }
    if (!this.holder) throw new WhatsAppUnavailableError('checkNumber', 'not_holder');
    const sock = await this.waitOpen();
    if (!sock) throw new WhatsAppUnavailableError('checkNumber', 'not_open');
    const found = (await sock.onWhatsApp(jid))?.find((r) => r.exists);
    if (!found) return { exists: false };
    this.remember(this.knownNumbers, jid, KNOWN_NUMBERS_LIMIT);
    return { exists: true, jid: found.jid || jid };
  }

  async requestPairingCode(phoneE164: string): Promise<string> {
    const digits = jidForPhone(phoneE164).split('@')[0]!;
    if (!this.holder) throw new WhatsAppUnavailableError('requestPairingCode', 'not_holder');
    if (this.link.status === 'open') throw new WhatsAppUnavailableError('requestPairingCode', 'already_linked');
    const sock = this.socket;
    if (!sock) throw new WhatsAppUnavailableError('requestPairingCode', 'not_open');
    const code = await sock.requestPairingCode(digits);
    this.setLink({ status: 'pairing', pairingCode: code });
    return code;
  }

  // ---- lease ----

  /** One round of the non-holder loop: try to take the lease; otherwise mirror the holder's link state. */
  private async tick(): Promise<void> {
    if (!this.running || this.holder || this.ticking) return;
    this.ticking = true;
    try {
      const sentAt = Date.now();
      if (await this.lock.acquire()) {
        this.lastRenewOkSentAt = sentAt;
        await this.becomeHolder();
      } else {
        await this.mirrorLink();
      }
    } catch (err) {
      this.log.warn({ err }, 'whatsapp lock attempt failed');
    } finally {
      this.ticking = false;
    }
  }

  private async becomeHolder(): Promise<void> {
    if (!this.running) {
      await this.lock.release().catch(() => undefined);
      return;
    }
    this.holder = true;
    this.reconnectAttempt = 0;
    this.log.info({ token: this.lock.token }, 'whatsapp socket lease taken');
    this.armDeadline();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(10, Math.floor(this.ttlMs / 3)));
    await this.connect();
  }

  /**
   * Give the socket up before Redis can expire the lease (0.8 ttl after the last successful renewal was *sent*), so a
   * holder cut off from Redis closes its socket before another process may open one: two sockets never overlap.
   */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const left = this.lastRenewOkSentAt + this.ttlMs * 0.8 - Date.now();
    this.deadlineTimer = setTimeout(() => void this.loseHolder('lease could not be renewed in time'), Math.max(0, left));
  }

  private async renew(): Promise<void> {
    if (!this.holder || this.renewing) return;
    this.renewing = true;
    const sentAt = Date.now();
    try {
      if (await this.lock.renew()) {
        if (!this.holder) return;
        this.lastRenewOkSentAt = sentAt;
        this.armDeadline();
        this.publishLink();
      } else {
        await this.loseHolder('lease lost');
      }
    } catch (err) {
      this.log.warn({ err }, 'whatsapp lease renewal failed');
    } finally {
      this.renewing = false;
    }
  }

  private async loseHolder(why: string): Promise<void> {
    if (!this.holder) return;
    this.log.warn({ why }, 'whatsapp socket lease lost: closing the socket');
    this.holder = false;
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.reconnectTimer);
    await this.teardownSocket();
    this.wakeOpenWaiters();
    this.setLink({ status: 'disconnected' }, false);
  }

  // ---- connection ----

  private async connect(): Promise<void> {
    if (!this.running || !this.holder) return;
    const gen = ++this.generation;
    this.setLink({ status: 'connecting' });
    const auth = useSqliteAuthState(this.options.authStore, this.options.session);
    this.auth = auth;
    let sock: WaSocket;
    try {
      sock = await this.factory({ auth: auth.state, getMessage: (key) => this.resendLookup(key) });
    } catch (err) {
      this.log.error({ err }, 'whatsapp socket creation failed');
      this.scheduleReconnect();
      return;
    }
    if (gen !== this.generation || !this.running || !this.holder) {
      await Promise.resolve(sock.end(undefined)).catch(() => undefined);
      return;
    }
    const onConnection = (update: WaEventMap['connection.update']) => {
      if (gen === this.generation) void this.onConnectionUpdate(sock, auth, update);
    };
    const onCreds = () => {
      if (gen === this.generation) void auth.saveCreds().catch((err: unknown) => this.log.error({ err }, 'whatsapp creds save failed'));
    };
    const onUpsert = (event: WaEventMap['messages.upsert']) => {
      if (gen === this.generation) this.onUpsert(event);
    };
    sock.ev.on('connection.update', onConnection);
    sock.ev.on('creds.update', onCreds);
    sock.ev.on('messages.upsert', onUpsert);
    this.detach = () => {
      sock.ev.off('connection.update', onConnection);
      sock.ev.off('creds.update', onCreds);
      sock.ev.off('messages.upsert', onUpsert);
    };
    this.socket = sock;
  }

  private async onConnectionUpdate(sock: WaSocket, auth: SqliteAuthState, update: WaEventMap['connection.update']): Promise<void> {
    if (update.qr) await this.showQr(update.qr, this.generation);
    if (update.connection === 'open') {
      this.reconnectAttempt = 0;
      this.setLink({ status: 'open', ...(sock.user?.id ? { me: sock.user.id } : {}) });
      this.log.info('whatsapp connection open');
      this.wakeOpenWaiters();
    } else if (update.connection === 'connecting' && this.link.status !== 'connecting' && this.link.status !== 'qr' && this.link.status !== 'pairing') {
      this.setLink({ status: 'connecting' });
    } else if (update.connection === 'close') {
      await this.onClose(auth, update.lastDisconnect?.error);
    }
  }

  private async showQr(qr: string, gen: number): Promise<void> {
    try {
      const [qrDataUrl, terminal] = await Promise.all([
        QRCode.toDataURL(qr),
        QRCode.toString(qr, { type: 'terminal', small: true }),
      ]);
      if (gen !== this.generation) return;
      this.setLink({ status: 'qr', qr, qrDataUrl });
      (this.options.printQr ?? ((t: string) => process.stdout.write(`Scan with WhatsApp → Linked devices:\n${t}\n`)))(terminal);
    } catch (err) {
      this.log.error({ err }, 'whatsapp QR rendering failed');
      if (gen === this.generation) this.setLink({ status: 'qr', qr });
    }
  }

  private async onClose(auth: SqliteAuthState, error: Error | undefined): Promise<void> {
    const parsed = BoomStatus.safeParse(error);
    const statusCode = parsed.success ? parsed.data.output.statusCode : undefined;
    await this.teardownSocket(false);
    if (!this.running || !this.holder) return;
    if (statusCode === DisconnectReason.loggedOut) {
      // The phone unlinked us: the stored keys are dead. Start over with a fresh QR.
      this.log.warn({ statusCode }, 'whatsapp logged out: clearing the stored session');
      await auth.clear();
      this.knownNumbers.clear();
      this.setLink({ status: 'logged_out' });
      this.reconnectAttempt = 0;
      this.scheduleReconnect(0);
      return;
    }
    this.setLink({ status: 'disconnected' });
    // 515 is WhatsApp's normal "restart after pairing": reconnect at once.
    const delay = statusCode === DisconnectReason.restartRequired ? 0 : undefined;
    this.log.warn({ statusCode, attempt: this.reconnectAttempt }, 'whatsapp connection closed: reconnecting');
    this.scheduleReconnect(delay);
  }

  private scheduleReconnect(delayMs?: number): void {
    if (!this.running || !this.holder) return;
    const delay =
      delayMs ??
      reconnectDelay(this.reconnectAttempt++, this.options.reconnect?.initialMs ?? 1_000, this.options.reconnect?.maxMs ?? 60_000);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private async teardownSocket(end = true): Promise<void> {
    const sock = this.socket;
    this.generation++;
    this.detach?.();
    this.detach = undefined;
    this.socket = undefined;
    if (sock && end) await Promise.resolve(sock.end(undefined)).catch(() => undefined);
  }

  private openSocket(): WaSocket | undefined {
    return this.holder && this.link.status === 'open' ? this.socket : undefined;
  }

  private async waitOpen(): Promise<WaSocket | undefined> {
    const ready = this.openSocket();
    if (ready || !this.holder || !this.running) return ready;
    const timeoutMs = this.options.openWaitMs ?? 15_000;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.openWaiters.add(done);
    });
    return this.openSocket();
  }

  private wakeOpenWaiters(): void {
    for (const wake of [...this.openWaiters]) wake();
  }

  // ---- link state ----

  private setLink(patch: Omit<LinkState, 'updatedAt'>, publish = true): void {
    this.link = { ...patch, updatedAt: Math.max(this.now(), this.link.updatedAt + 1) };
    if (publish) this.publishLink();
    this.emitter.emit('link', this.linkState());
  }

  private publishLink(): void {
    if (!this.holder) return;
    this.options.redis
      .set(this.linkKey, JSON.stringify(this.link), 'PX', this.ttlMs * 2)
      .catch((err: unknown) => this.log.warn({ err }, 'whatsapp link state publish failed'));
  }

  /** A non-holder (e.g. the web process) shows the holder's link state, read from Redis. */
  private async mirrorLink(): Promise<void> {
    const raw = await this.options.redis.get(this.linkKey);
    if (raw === null) {
      if (this.link.status !== 'disconnected') this.setLink({ status: 'disconnected' }, false);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = LinkState.safeParse(json);
    if (!parsed.success || parsed.data.updatedAt === this.link.updatedAt) return;
    this.link = parsed.data;
    this.emitter.emit('link', this.linkState());
  }

  // ---- inbound ----

  private onUpsert({ messages, type }: WaEventMap['messages.upsert']): void {
    if (type !== 'notify' && type !== 'append') return;
    for (const raw of messages) {
      const message = normaliseInbound(raw, this.now());
      if (!message) continue;
      // Baileys can emit one message twice in a burst (notify + append): drop a copy while the first is still queued.
      // Later redeliveries go through: the pipeline de-duplicates durably by channelMessageId (see the channel contract).
      if (this.queued.has(message.channelMessageId)) continue;
      this.queued.add(message.channelMessageId);
      this.inbound = this.inbound.then(() => this.handOver(message, raw.key?.id ?? ''));
    }
  }

  /**
   * Give a message to the handler, retrying a few times: WhatsApp does not redeliver a message we failed to take (baileys
   * acknowledges it on decryption), so a brief Redis hiccup must not lose it.
   */
  private async handOver(message: InboundMessage, waId: string): Promise<void> {
    try {
      for (let attempt = 0; this.handler; attempt++) {
        try {
          await this.handler(await this.phoneChat(message));
          return;
        } catch (err) {
          if (attempt >= HAND_OVER_ATTEMPTS - 1) {
            this.log.error({ err, waMessageId: waId }, 'whatsapp inbound hand-over failed: message dropped');
            return;
          }
          this.log.warn({ err, waMessageId: waId, attempt }, 'whatsapp inbound hand-over failed: retrying');
          await this.sleep(500 * 2 ** attempt);
        }
      }
    } finally {
      this.queued.delete(message.channelMessageId);
    }
  }

  /**
   * A LID chat that arrived without its phone alternative: use the phone JID if baileys learnt the mapping earlier (it
   * stores `<lid>_reverse` → phone under `lid-mapping`), so the patient stays in the conversation outreach opened.
   */
  private async phoneChat(message: InboundMessage): Promise<InboundMessage> {
    if (!isLidUserJid(message.channelUserId) || !this.auth) return message;
    const lidUser = message.channelUserId.split('@')[0]!.split(':')[0]!;
    try {
      const key = `${lidUser}_reverse`;
      const pnUser = (await this.auth.state.keys.get('lid-mapping', [key]))[key];
      const phone = pnUser && /^\d{7,15}$/.test(pnUser) ? `+${pnUser}` : undefined;
      if (!phone) return message;
      return { ...message, channelUserId: jidForPhone(phone), phone: message.phone ?? phone };
    } catch (err) {
      this.log.debug({ err }, 'whatsapp lid mapping lookup failed');
      return message;
    }
  }

  // ---- outbound helpers ----

  private async showTyping(sock: WaSocket, jid: string, length: number): Promise<void> {
    const perChar = this.options.typing?.msPerChar ?? 30;
    const cap = this.options.typing?.maxMs ?? 2_500;
    try {
      if (!this.presenceSubscribed.has(jid)) {
        this.remember(this.presenceSubscribed, jid, KNOWN_NUMBERS_LIMIT);
        await sock.presenceSubscribe(jid);
      }
      await sock.sendPresenceUpdate('composing', jid);
      await this.sleep(Math.min(cap, length * perChar));
      await sock.sendPresenceUpdate('paused', jid);
    } catch (err) {
      // Presence is cosmetic: a failure here must not stop the message.
      this.log.debug({ err }, 'whatsapp presence update failed');
    }
  }

  private failed(err: unknown, outboxId: string, op: string): Exclude<SendResult, { ok: true }> {
    const result = classifySendError(err);
    this.log.warn({ outboxId, op, kind: result.kind }, 'whatsapp send failed');
    return result;
  }

  private rememberSent(id: string, text: string): void {
    this.recentSent.delete(id);
    this.recentSent.set(id, text);
    if (this.recentSent.size > RECENT_SENT_LIMIT) this.recentSent.delete(this.recentSent.keys().next().value!);
  }

  private remember(set: Set<string>, value: string, limit: number): void {
    set.add(value);
    if (set.size > limit) set.delete(set.values().next().value!);
  }

  /** Baileys must resend a message the recipient could not decrypt: answer with its text (recent memory, then the outbox). */
  private async resendLookup(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    const id = key.id;
    if (!id) return undefined;
    const text = this.recentSent.get(id) ?? (await this.options.getMessage?.(id).catch(() => undefined));
    return text === undefined ? undefined : { conversation: text };
  }
}
