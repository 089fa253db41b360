import type { WAMessageKey, proto } from '@whiskeysockets/baileys';
import { errorFields, logEvent, logId } from '../../domain/log-event.js';
import type { Channel, InboundHandler, InboundMessage, OutboundMessage, SendResult } from '../../domain/channel.js';
import { splitText } from '../split-text.js';
import { WhatsAppUnavailableError } from './errors.js';
import { normaliseInbound } from './inbound.js';
import { isLidUserJid, isPersonJid, jidForPhone } from './jid.js';
import type { LinkState } from './link-state.js';
import { classifySendError, formatOutboundText, outboundMessageId, WHATSAPP_MAX_TEXT } from './outbound.js';
import { Throttle } from './throttle.js';
import type { WhatsAppChannelOptions } from './whatsapp-channel-options.js';
import type { WaEventMap, WaSocket } from './wa-socket.js';
import { WhatsAppSocketHolder } from './whatsapp-socket-holder.js';

export type { WhatsAppChannelOptions };

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

const RECENT_SENT_LIMIT = 500;
const KNOWN_NUMBERS_LIMIT = 5000;
const HAND_OVER_ATTEMPTS = 4;

/** Create the WhatsApp channel (not started: call `start`). */
export function createWhatsAppChannel(options: WhatsAppChannelOptions): WhatsAppChannel {
  return new BaileysWhatsAppChannel(options);
}

class BaileysWhatsAppChannel extends WhatsAppSocketHolder implements WhatsAppChannel {
  readonly name = 'whatsapp' as const;
  private readonly throttle: Throttle;
  private handler: InboundHandler | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private readonly recentSent = new Map<string, string>();
  private readonly presenceSubscribed = new Set<string>();

  constructor(options: WhatsAppChannelOptions) {
    super(options);
    this.throttle = new Throttle(options.throttle, { now: this.now, sleep: this.sleep, random: options.random ?? Math.random });
  }

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
    this.reconnect.cancel();
    await this.teardownSocket();
    if (this.holder) {
      this.holder = false;
      // Drop our published link state first (nobody else can publish before the lease is released).
      await this.linkValue.delete().catch(() => undefined);
      await this.lock.release().catch((err: unknown) => logEvent(this.log, 'warn', 'whatsapp lock release failed', errorFields(err)));
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
    logEvent(this.log, 'debug', 'whatsapp message sent', { outboxId: logId(message.id), parts: ids.length });
    return { ok: true, channelMessageIds: ids };
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

  protected override onUpsert({ messages, type }: WaEventMap['messages.upsert']): void {
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
            logEvent(this.log, 'error', 'whatsapp inbound hand-over failed: message dropped', { ...errorFields(err), waMessageId: logId(waId) });
            return;
          }
          logEvent(this.log, 'warn', 'whatsapp inbound hand-over failed: retrying', { ...errorFields(err), waMessageId: logId(waId), attempt });
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
      logEvent(this.log, 'debug', 'whatsapp lid mapping lookup failed', errorFields(err));
      return message;
    }
  }

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
      logEvent(this.log, 'debug', 'whatsapp presence update failed', errorFields(err));
    }
  }

  private failed(err: unknown, outboxId: string, op: string): Exclude<SendResult, { ok: true }> {
    const result = classifySendError(err);
    logEvent(this.log, 'warn', 'whatsapp send failed', { outboxId: logId(outboxId), op: logId(op), kind: result.kind, error: 'whatsapp:send_failed' });
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
  protected override async resendLookup(key: WAMessageKey): Promise<proto.IMessage | undefined> {
    const id = key.id;
    if (!id) return undefined;
    const text = this.recentSent.get(id) ?? (await this.options.getMessage?.(id).catch(() => undefined));
    return text === undefined ? undefined : { conversation: text };
  }
}
