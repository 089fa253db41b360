import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createWhatsAppAuthRepository } from '../../src/db/repositories/index.js';
import type { Db } from '../../src/db/index.js';
import { createRedisCoordination } from '../../src/queue/index.js';
import {
  createWhatsAppChannel,
  type SocketFactory,
  type SocketFactoryInput,
  type WaEventMap,
  type WaSocket,
  type WhatsAppChannel,
  type WhatsAppChannelOptions,
} from '../../src/channels/whatsapp/index.js';
import { openTestDb } from './test-db.js';

/** One message the bot sent, as the patient's phone received it. */
export interface FakeWaSent {
  jid: string;
  text: string;
  id: string;
  /** Index of the socket that sent it (0 = first socket created). */
  socket: number;
}

/** A boom-shaped error as baileys throws them (`output.statusCode`). */
export function waError(message: string, statusCode?: number, data?: number): Error {
  return Object.assign(new Error(message), {
    ...(statusCode !== undefined ? { output: { statusCode } } : {}),
    ...(data !== undefined ? { data } : {}),
  });
}

/** A stand-in for a baileys socket: an EventEmitter `ev`, recorded sends and presence, scripted connection events. */
export class FakeWaSocket implements WaSocket {
  readonly ev: WaSocket['ev'] & { emit<K extends keyof WaEventMap>(event: K, arg: WaEventMap[K]): boolean; listenerCount(e: string): number };
  user: WaSocket['user'] = undefined;
  ended = false;
  readonly presence: { type: string; jid: string | undefined }[] = [];
  readonly subscribed: string[] = [];
  readonly onWhatsAppCalls: string[][] = [];
  /** Errors the next sendMessage calls throw, in order. */
  readonly sendFailures: Error[] = [];

  constructor(
    readonly network: FakeWaNetwork,
    readonly index: number,
    readonly input: SocketFactoryInput,
  ) {
    const emitter = new EventEmitter();
    this.ev = emitter as unknown as FakeWaSocket['ev'];
  }

  async sendMessage(jid: string, content: { text?: string } | object, options?: { messageId?: string }): Promise<WAMessage | undefined> {
    const failure = this.sendFailures.shift();
    if (failure) throw failure;
    if (this.ended) throw waError('Connection Closed', 428);
    const text = 'text' in content && typeof content.text === 'string' ? content.text : '';
    const id = options?.messageId ?? `FAKE${this.network.sent.length}`;
    this.network.sent.push({ jid, text, id, socket: this.index });
    return withKey(proto.WebMessageInfo.fromObject({ key: { remoteJid: jid, fromMe: true, id }, message: { conversation: text } }));
  }

  async sendPresenceUpdate(type: string, toJid?: string): Promise<void> {
    this.presence.push({ type, jid: toJid });
  }

  async presenceSubscribe(toJid: string): Promise<void> {
    this.subscribed.push(toJid);
  }

  async onWhatsApp(...jids: string[]): Promise<{ jid: string; exists: boolean }[]> {
    this.onWhatsAppCalls.push(jids);
    return jids.filter((j) => !this.network.notOnWhatsApp.has(j)).map((jid) => ({ jid, exists: true }));
  }

  async requestPairingCode(phone: string): Promise<string> {
    this.network.pairingRequests.push(phone);
    return 'ABCD1234';
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // Like baileys: ending emits a close (the channel detached its listeners first, so it must ignore this).
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: waError('Connection Closed', 428), date: new Date() } });
  }

  async logout(): Promise<void> {
    await this.end();
  }

  // ---- scripted server behaviour ----

  /** The server shows a QR code. */
  showQr(qr: string): void {
    this.ev.emit('connection.update', { qr });
  }

  /** The connection opens as account `me`. */
  open(me = '6281100000000:1@s.whatsapp.net'): void {
    this.user = { id: me };
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** The connection closes with a baileys DisconnectReason status. */
  close(statusCode: number): void {
    this.ended = true;
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error: waError('closed', statusCode), date: new Date() } });
  }

  /** Baileys rotated the credentials. */
  updateCreds(): void {
    this.ev.emit('creds.update', {});
  }

  /** Messages arrive (`type` 'notify' for live ones). */
  deliver(messages: WAMessage[], type: 'notify' | 'append' = 'notify'): void {
    this.ev.emit('messages.upsert', { messages, type });
  }
}

let counter = 0;

/** Build a real `proto.WebMessageInfo` from a patient, with optional baileys key extras (`remoteJidAlt`…). */
export function waMessage(
  remoteJid: string,
  message: proto.IMessage,
  opts: { id?: string; fromMe?: boolean; pushName?: string; timestamp?: number; keyExtras?: Record<string, string> } = {},
): WAMessage {
  const m = proto.WebMessageInfo.fromObject({
    key: { remoteJid, fromMe: opts.fromMe ?? false, id: opts.id ?? `3A${(++counter).toString(16).toUpperCase().padStart(18, '0')}` },
    messageTimestamp: opts.timestamp ?? 1_700_000_000 + counter,
    pushName: opts.pushName ?? 'Pasien',
    message,
  });
  // Baileys adds these as plain properties after decoding; they are not protobuf fields.
  if (opts.keyExtras) Object.assign(m.key!, opts.keyExtras);
  return withKey(m);
}

/** Baileys' WAMessage is a WebMessageInfo whose key is always present. */
function withKey(m: proto.WebMessageInfo): WAMessage {
  const key = m.key;
  if (!key) throw new Error('message without key');
  return Object.assign(m, { key });
}

/**
 * The fake WhatsApp world of one test: sockets the channel created (newest last), who is not on WhatsApp, and everything
 * the bot sent. `factory` is what the channel gets as its `socketFactory`.
 */
export class FakeWaNetwork {
  readonly sockets: FakeWaSocket[] = [];
  readonly sent: FakeWaSent[] = [];
  readonly notOnWhatsApp = new Set<string>();
  readonly pairingRequests: string[] = [];
  private readonly last = new Map<string, WAMessage>();

  /** @param autoOpen open every new socket right after the channel attached its listeners (a linked session). */
  constructor(private readonly autoOpen = true) {}

  readonly factory: SocketFactory = async (input) => {
    const sock = new FakeWaSocket(this, this.sockets.length, input);
    this.sockets.push(sock);
    if (this.autoOpen) setImmediate(() => sock.open());
    return sock;
  };

  /** The newest socket. */
  get current(): FakeWaSocket {
    const s = this.sockets.at(-1);
    if (!s) throw new Error('no socket created yet');
    return s;
  }

  /** A patient sends `message`; it is delivered on the newest socket and remembered for `redeliverLast`. */
  patientSends(jid: string, message: proto.IMessage, opts: Parameters<typeof waMessage>[2] = {}): WAMessage {
    const m = waMessage(jid, message, opts);
    this.last.set(jid, m);
    this.current.deliver([m]);
    return m;
  }

  /** Deliver the patient's last message again (as after a reconnect). */
  redeliverLast(jid: string): void {
    const m = this.last.get(jid);
    if (!m) throw new Error(`nothing to redeliver for ${jid}`);
    this.current.deliver([m], 'append');
  }

  /** What the bot sent to `jid`, oldest first. */
  sentTo(jid: string): FakeWaSent[] {
    return this.sent.filter((s) => s.jid === jid);
  }
}

/** A WhatsApp channel wired to a fake network, an in-memory database and a fresh Redis prefix. */
export interface TestWhatsApp {
  channel: WhatsAppChannel;
  net: FakeWaNetwork;
  db: Db;
  redis: Redis;
  prefix: string;
  /** QR codes printed to the "terminal". */
  printed: string[];
  close(): Promise<void>;
}

/** Build a WhatsApp channel for tests: no real waits (sleep is instant), short lease and reconnect times, silent logs. */
export function createTestWhatsApp(
  redisUrl: string,
  overrides: Partial<WhatsAppChannelOptions> & { net?: FakeWaNetwork; prefix?: string; db?: Db; redis?: Redis } = {},
): TestWhatsApp {
  const { net = new FakeWaNetwork(), prefix = `test:${randomUUID()}:`, db = openTestDb(), redis: redisOverride, ...rest } = overrides;
  const redis = redisOverride ?? new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const printed: string[] = [];
  const channel = createWhatsAppChannel({
    authStore: createWhatsAppAuthRepository(db),
    session: 'test',
    coordination: createRedisCoordination(redis, prefix),
    socketFactory: net.factory,
    throttle: { perMinute: 600_000, chatIntervalMs: 0, jitterMs: 0 },
    logger: pino({ level: 'silent' }),
    sleep: async () => {},
    printQr: (t) => void printed.push(t),
    lock: { ttlMs: 3_000, retryMs: 50 },
    reconnect: { initialMs: 5, maxMs: 50 },
    openWaitMs: 2_000,
    ...rest,
  });
  return {
    channel,
    net,
    db,
    redis,
    prefix,
    printed,
    close: async () => {
      await channel.stop();
      if (redis.status !== 'end') await redis.quit().catch(() => undefined);
    },
  };
}
