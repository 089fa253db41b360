import { EventEmitter } from 'node:events';
import { DisconnectReason, type WAMessageKey, type proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { z } from 'zod';
import { errorFields, logEvent, logId } from '../../domain/log-event.js';
import { useSqliteAuthState, type SqliteAuthState } from './auth-state.js';
import type { Lease, SharedValue } from '../../domain/coordination.js';
import { WhatsAppHandshakeRefusedError } from './errors.js';
import { linkStateName, parseLinkState, socketLeaseName, type LinkRetry, type LinkState } from './link-state.js';
import { ReconnectSchedule } from './reconnect-schedule.js';
import type { WhatsAppChannelOptions } from './whatsapp-channel-options.js';
import { createBaileysSocketFactory, type SocketFactory, type WaEventMap, type WaSocket } from './wa-socket.js';

const BoomStatus = z.looseObject({ output: z.looseObject({ statusCode: z.number() }) });

/**
 * The one WhatsApp socket of a linked account, shared by many processes: a Redis lease says which process holds it
 * (lease: tick, renew, deadline), the holder connects and reconnects (QR, pairing, logged out), and publishes its link
 * state for the others to mirror. `BaileysWhatsAppChannel` adds sending and receiving on top.
 */
export abstract class WhatsAppSocketHolder {
  protected readonly log: Logger;
  protected readonly now: () => number;
  protected readonly sleep: (ms: number) => Promise<void>;
  protected readonly factory: SocketFactory;
  protected readonly lock: Lease;
  protected readonly linkValue: SharedValue;
  protected readonly ttlMs: number;
  protected readonly retryMs: number;
  protected readonly emitter = new EventEmitter();

  protected running = false;
  protected holder = false;
  protected lastRenewOkSentAt = 0;
  protected renewing = false;
  protected ticking = false;
  protected retryTimer: NodeJS.Timeout | undefined;
  protected renewTimer: NodeJS.Timeout | undefined;
  protected deadlineTimer: NodeJS.Timeout | undefined;
  /** Failed attempts in a row, the next attempt's timer and the current attempt's watchdog. */
  protected readonly reconnect: ReconnectSchedule;

  /** Bumped whenever the current socket is replaced: events from an older socket are ignored. */
  protected generation = 0;
  protected socket: WaSocket | undefined;
  /** The current connection's auth state: baileys keeps its LID → phone mappings there. */
  protected auth: SqliteAuthState | undefined;
  protected detach: (() => void) | undefined;
  protected link: LinkState;
  protected openWaiters = new Set<() => void>();

  /** Chats known to be on WhatsApp (forgotten when the phone unlinks us). */
  protected readonly knownNumbers = new Set<string>();

  /** Takes a batch of messages from the socket (only events of the current socket arrive here). */
  protected abstract onUpsert(event: WaEventMap['messages.upsert']): void;
  /** Answers baileys' request to resend a message the recipient could not decrypt. */
  protected abstract resendLookup(key: WAMessageKey): Promise<proto.IMessage | undefined>;

  constructor(protected readonly options: WhatsAppChannelOptions) {
    this.log = options.logger.child({ channel: 'whatsapp', session: options.session });
    this.now = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.factory =
      options.socketFactory ??
      createBaileysSocketFactory({
        logger: options.logger,
        ...(options.waWebSocketUrl ? { waWebSocketUrl: options.waWebSocketUrl } : {}),
      });
    this.ttlMs = options.lock?.ttlMs ?? 30_000;
    this.retryMs = options.lock?.retryMs ?? 5_000;
    this.lock = options.coordination.lease(socketLeaseName(options.session), this.ttlMs);
    this.linkValue = options.coordination.value(linkStateName(options.session));
    this.link = { status: 'disconnected', updatedAt: this.now() };
    this.reconnect = new ReconnectSchedule(options.reconnect, this.now);
  }

  /** One round of the non-holder loop: try to take the lease; otherwise mirror the holder's link state. */
  protected async tick(): Promise<void> {
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
      logEvent(this.log, 'warn', 'whatsapp lock attempt failed', errorFields(err));
    } finally {
      this.ticking = false;
    }
  }

  protected async becomeHolder(): Promise<void> {
    if (!this.running) {
      await this.lock.release().catch(() => undefined);
      return;
    }
    this.holder = true;
    this.reconnect.reset();
    logEvent(this.log, 'info', 'whatsapp socket lease taken', { token: logId(this.lock.token) });
    this.armDeadline();
    this.renewTimer = setInterval(() => void this.renew(), Math.max(10, Math.floor(this.ttlMs / 3)));
    await this.connect();
  }

  /**
   * Give the socket up before Redis can expire the lease (0.8 ttl after the last successful renewal was *sent*), so a
   * holder cut off from Redis closes its socket before another process may open one: two sockets never overlap.
   */
  protected armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const left = this.lastRenewOkSentAt + this.ttlMs * 0.8 - Date.now();
    this.deadlineTimer = setTimeout(() => void this.loseHolder('lease could not be renewed in time'), Math.max(0, left));
  }

  protected async renew(): Promise<void> {
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
      logEvent(this.log, 'warn', 'whatsapp lease renewal failed', errorFields(err));
    } finally {
      this.renewing = false;
    }
  }

  protected async loseHolder(why: 'lease could not be renewed in time' | 'lease lost'): Promise<void> {
    if (!this.holder) return;
    logEvent(this.log, 'warn', 'whatsapp socket lease lost: closing the socket', { why });
    this.holder = false;
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    this.reconnect.cancel();
    await this.teardownSocket();
    this.wakeOpenWaiters();
    this.setLink({ status: 'disconnected' }, false);
  }

  protected async connect(): Promise<void> {
    if (!this.running || !this.holder) return;
    const gen = ++this.generation;
    this.setLink(this.withRetry({ status: 'connecting' }));
    const auth = useSqliteAuthState(this.options.authStore, this.options.session);
    this.auth = auth;
    let sock: WaSocket;
    try {
      sock = await this.factory({ auth: auth.state, getMessage: (key) => this.resendLookup(key) });
    } catch (err) {
      logEvent(this.log, 'error', 'whatsapp socket creation failed', { ...errorFields(err), failures: this.reconnect.failedInARow + 1 });
      this.retryLater('error', undefined);
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
      if (gen === this.generation) void auth.saveCreds().catch((err: unknown) => logEvent(this.log, 'error', 'whatsapp creds save failed', errorFields(err)));
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
    this.reconnect.watch(() => {
      if (gen === this.generation) void this.attemptTimedOut();
    });
  }

  /** The watchdog fired: the attempt neither opened nor showed a QR code in time. Drop it and schedule the next one. */
  protected async attemptTimedOut(): Promise<void> {
    if (!this.running || !this.holder) return;
    logEvent(this.log, 'warn', 'whatsapp connection attempt timed out: reconnecting', {
      error: 'whatsapp:connect_timeout',
      failures: this.reconnect.failedInARow + 1,
      timeoutMs: this.reconnect.attemptTimeoutMs,
    });
    // Not awaited: ending a socket that never answered may itself wait on that socket.
    void this.teardownSocket();
    this.retryLater('timeout', undefined);
  }

  /** Count a failed attempt, show it on the link (status disconnected, with the retry), and schedule the next attempt. */
  protected retryLater(reason: LinkRetry['reason'], statusCode: number | undefined, delayMs?: number): void {
    if (!this.running || !this.holder) return;
    const retry = this.reconnect.failed(reason, statusCode, () => void this.connect(), delayMs);
    this.setLink({ status: 'disconnected', retry });
  }

  /** The link state `patch` plus the current retry, so "Connecting…" shows it is not the first attempt. */
  protected withRetry(patch: Omit<LinkState, 'updatedAt'>): Omit<LinkState, 'updatedAt'> {
    const retry = this.reconnect.retry;
    return retry ? { ...patch, retry } : patch;
  }

  protected async onConnectionUpdate(sock: WaSocket, auth: SqliteAuthState, update: WaEventMap['connection.update']): Promise<void> {
    // The server answered (a QR code, open) or the attempt ended (close): either way its watchdog is done.
    if (update.qr || update.connection === 'open' || update.connection === 'close') this.reconnect.settled();
    if (update.qr) await this.showQr(update.qr, this.generation);
    if (update.connection === 'open') {
      this.reconnect.reset();
      this.setLink({ status: 'open', ...(sock.user?.id ? { me: sock.user.id } : {}) });
      logEvent(this.log, 'info', 'whatsapp connection open');
      this.wakeOpenWaiters();
    } else if (update.connection === 'connecting' && this.link.status !== 'connecting' && this.link.status !== 'qr' && this.link.status !== 'pairing') {
      this.setLink(this.withRetry({ status: 'connecting' }));
    } else if (update.connection === 'close') {
      await this.onClose(auth, update.lastDisconnect?.error);
    }
  }

  protected async showQr(qr: string, gen: number): Promise<void> {
    try {
      const [qrDataUrl, terminal] = await Promise.all([
        QRCode.toDataURL(qr),
        QRCode.toString(qr, { type: 'terminal', small: true }),
      ]);
      if (gen !== this.generation) return;
      this.setLink({ status: 'qr', qr, qrDataUrl });
      (this.options.printQr ?? ((t: string) => process.stdout.write(`Scan with WhatsApp → Linked devices:\n${t}\n`)))(terminal);
    } catch (err) {
      logEvent(this.log, 'error', 'whatsapp QR rendering failed', errorFields(err));
      if (gen === this.generation) this.setLink({ status: 'qr', qr });
    }
  }

  protected async onClose(auth: SqliteAuthState, error: Error | undefined): Promise<void> {
    const parsed = BoomStatus.safeParse(error);
    const statusCode = parsed.success ? parsed.data.output.statusCode : undefined;
    await this.teardownSocket(false);
    if (!this.running || !this.holder) return;
    if (statusCode === DisconnectReason.loggedOut) {
      // The phone unlinked us: the stored keys are dead. Start over with a fresh QR.
      logEvent(this.log, 'warn', 'whatsapp logged out: clearing the stored session', { statusCode });
      await auth.clear();
      this.knownNumbers.clear();
      this.setLink({ status: 'logged_out' });
      this.reconnect.reset();
      this.reconnect.runIn(0, () => void this.connect());
      return;
    }
    if (statusCode === DisconnectReason.restartRequired) {
      // 515 is WhatsApp's normal "restart after pairing": reconnect at once, it is no failure.
      logEvent(this.log, 'info', 'whatsapp restart requested: reconnecting', { statusCode });
      this.setLink({ status: 'disconnected' });
      this.reconnect.runIn(0, () => void this.connect());
      return;
    }
    const refused = error instanceof WhatsAppHandshakeRefusedError;
    logEvent(this.log, 'warn', 'whatsapp connection closed: reconnecting', {
      ...(refused ? { error: 'whatsapp:handshake_refused' as const } : {}),
      statusCode,
      failures: this.reconnect.failedInARow + 1,
    });
    this.retryLater(refused ? 'refused' : 'closed', statusCode);
  }

  protected async teardownSocket(end = true): Promise<void> {
    const sock = this.socket;
    this.generation++;
    this.detach?.();
    this.detach = undefined;
    this.socket = undefined;
    if (sock && end) await Promise.resolve(sock.end(undefined)).catch(() => undefined);
  }

  protected openSocket(): WaSocket | undefined {
    return this.holder && this.link.status === 'open' ? this.socket : undefined;
  }

  protected async waitOpen(): Promise<WaSocket | undefined> {
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

  protected wakeOpenWaiters(): void {
    for (const wake of [...this.openWaiters]) wake();
  }

  protected setLink(patch: Omit<LinkState, 'updatedAt'>, publish = true): void {
    this.link = { ...patch, updatedAt: Math.max(this.now(), this.link.updatedAt + 1) };
    if (publish) this.publishLink();
    this.emitter.emit('link', this.linkState());
  }

  protected publishLink(): void {
    if (!this.holder) return;
    this.linkValue
      .set(JSON.stringify(this.link), this.ttlMs * 2)
      .catch((err: unknown) => logEvent(this.log, 'warn', 'whatsapp link state publish failed', errorFields(err)));
  }

  /** A non-holder (e.g. the web process) shows the holder's link state, read from Redis. */
  protected async mirrorLink(): Promise<void> {
    const raw = await this.linkValue.get();
    if (raw === null) {
      if (this.link.status !== 'disconnected') this.setLink({ status: 'disconnected' }, false);
      return;
    }
    const published = parseLinkState(raw);
    if (!published || published.updatedAt === this.link.updatedAt) return;
    this.link = published;
    this.emitter.emit('link', this.linkState());
  }

  /** The current link state (in a non-holder process: the holder's, as last read from Redis). */
  linkState(): LinkState {
    return { ...this.link };
  }
}
