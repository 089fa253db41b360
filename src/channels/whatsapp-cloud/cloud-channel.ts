import type { InboundHandler, OutboundMessage, SendResult } from '../../domain/channel.js';
import { InboundMessage } from '../../domain/channel.js';
import { logEvent, logId } from '../../domain/log-event.js';
import { classifyCloudError, failureDetail, GraphApiError, toSendResult } from './errors.js';
import { GraphClient } from './graph-client.js';
import { chatIdForPhone, msgRef, waIdForChat } from './ids.js';
import { normaliseMessage, normaliseStatus, type DeliveryStatusEvent } from './inbound.js';
import { planMessages, templateMessage } from './outbound.js';
import { answerSubscription, verifySignature } from './signature.js';
import { CloudChangeValue, CloudWebhook } from './webhook-schema.js';
import type { CloudHealth, WhatsAppCloudChannel, WhatsAppCloudChannelOptions } from './types.js';
import { MemoryWindowStore, WINDOW_MS } from './window-store.js';

export { isWhatsAppCloudChannel, type CloudHealth, type CloudLogger, type WhatsAppCloudChannel, type WhatsAppCloudChannelOptions } from './types.js';

const MEMORY = 2000;
const FRESH_MS = 5 * 60_000;
/** Re-sends of one reply after failed receipts that said "busy" (throughput, pair rate, server trouble). */
const ASYNC_RESENDS = 3;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MEMORY) map.delete(map.keys().next().value as K);
}

/** Build the Cloud API channel. Nothing touches the network until a send. */
export function createWhatsAppCloudChannel(o: WhatsAppCloudChannelOptions): WhatsAppCloudChannel {
  const log = o.logger;
  const now = o.now ?? Date.now;
  const store = o.store ?? new MemoryWindowStore();
  const client = new GraphClient({ apiRoot: o.apiRoot, phoneNumberId: o.phoneNumberId, token: o.token, timeoutMs: o.requestTimeoutMs ?? 15_000, ...(o.fetch ? { fetch: o.fetch } : {}) });
  const throttle = o.throttle ?? { minMs: 1000, maxMs: 60_000 };
  const degradedRetryMs = o.degradedRetryMs ?? 60_000;

  let handler: InboundHandler | undefined;
  let health: CloudHealth = { state: 'ok' };
  let throttledInARow = 0;
  /** Per chat, the tail of its sends and flushes: one chat's messages leave in order, other chats do not wait. */
  const chains = new Map<string, Promise<unknown>>();
  /** Outbox id → wamids of parts already sent, so a retry after a failed middle part does not repeat the first. */
  const sentParts = new Map<string, string[]>();
  /** wamid → the reply it carried, so an asynchronous 131047 can be re-sent as the template. */
  const recent = new Map<string, { message: OutboundMessage; part: number }>();
  /** Outbox id → how often a part was re-sent after an asynchronous throttling or server failure. */
  const resends = new Map<string, number>();

  function inChain<T>(chatId: string, run: () => Promise<T>): Promise<T> {
    const next = (chains.get(chatId) ?? Promise.resolve()).then(run, run);
    const tail = next.catch(() => undefined);
    chains.set(chatId, tail);
    void tail.then(() => {
      if (chains.get(chatId) === tail) chains.delete(chatId);
    });
    return next;
  }

  async function emit(event: DeliveryStatusEvent): Promise<void> {
    try {
      await o.onStatus?.(event);
    } catch (err) {
      logEvent(log, 'warn', 'whatsapp cloud status handler failed', { msgRef: msgRef(event.channelMessageId), errName: logId(err instanceof Error ? err.name : typeof err) });
    }
  }

  function degrade(e: GraphApiError): void {
    if (health.state === 'degraded') return;
    health = { state: 'degraded', since: now(), ...(e.code !== undefined ? { code: e.code } : {}) };
    logEvent(log, 'error', 'whatsapp cloud rejected the access token: sending stopped, replies stay queued until WHATSAPP_CLOUD_TOKEN is fixed', { code: e.code, httpStatus: e.httpStatus });
  }

  function healthy(): void {
    throttledInARow = 0;
    if (health.state === 'ok') return;
    health = { state: 'ok' };
    logEvent(log, 'info', 'whatsapp cloud accepts the access token again: sending resumed', {});
  }

  /** How long the outbound queue should pause after this failure: long while degraded, doubling while throttled. */
  function pauseFor(kind: ReturnType<typeof classifyCloudError>): number {
    if (kind.kind === 'auth') return degradedRetryMs;
    if (kind.kind !== 'throttled') return 0;
    throttledInARow++;
    return Math.min(throttle.maxMs, throttle.minMs * 2 ** (throttledInARow - 1));
  }

  /** Open within 24 h of the person's last message, unless we sent the template since (then we know it had closed). */
  async function windowOpen(chatId: string): Promise<boolean> {
    const [last, invited] = await Promise.all([store.lastInboundAt(chatId), store.templateSentAt(chatId)]);
    return last !== undefined && now() - last < WINDOW_MS && !(invited !== undefined && invited >= last);
  }

  /** Send one reply's parts free-form. Failures come back classified; a 131047 re-engages instead. */
  async function sendParts(message: OutboundMessage, to: string): Promise<SendResult> {
    const bodies = planMessages(to, message);
    const ids = sentParts.get(message.id) ?? [];
    for (let i = ids.length; i < bodies.length; i++) {
      try {
        const id = await client.send('send message', bodies[i]!);
        ids.push(id);
        remember(sentParts, message.id, ids);
        // Known at once: this part's receipts may arrive while the next part is still on its way.
        remember(recent, id, { message, part: i });
      } catch (err) {
        const e = err instanceof GraphApiError ? err : new GraphApiError('send message', undefined, undefined, 'unexpected error', { cause: err });
        return failure(e, message, to, i);
      }
    }
    sentParts.delete(message.id);
    healthy();
    return { ok: true, channelMessageIds: ids };
  }

  async function failure(e: GraphApiError, message: OutboundMessage, to: string, part: number): Promise<SendResult> {
    const kind = classifyCloudError(e.code, e.httpStatus);
    logEvent(log, 'warn', 'whatsapp cloud send failed', { outboxId: logId(message.id), part, code: e.code, httpStatus: e.httpStatus, fbtraceId: e.fbtraceId ? logId(e.fbtraceId) : undefined, result: kind.kind });
    if (kind.kind === 'auth') degrade(e);
    else if (health.state === 'degraded' && e.httpStatus !== undefined && e.httpStatus < 500) healthy(); // Meta judged the request: the token works
    if (kind.kind === 'window') return reengage(message, to);
    return toSendResult(kind, failureDetail(e.code, e.title, e.httpStatus), pauseFor(kind));
  }

  /**
   * Outside the 24-hour window: hold the reply and, unless the person was already invited since they last wrote, send the
   * approved template. The held replies go out when the person answers (their message opens the window).
   */
  async function reengage(message: OutboundMessage, to: string): Promise<SendResult> {
    const chatId = message.channelUserId;
    const [invited, last] = await Promise.all([store.templateSentAt(chatId), store.lastInboundAt(chatId)]);
    const pending = invited !== undefined && now() - invited < WINDOW_MS && invited >= (last ?? 0);
    if (pending) {
      await store.hold(chatId, message);
      logEvent(log, 'debug', 'whatsapp cloud reply held until the person answers the template', { outboxId: logId(message.id) });
      return { ok: true, channelMessageIds: [] };
    }
    let wamid: string;
    try {
      wamid = await client.send('send template', templateMessage(to, o.template));
    } catch (err) {
      const e = err instanceof GraphApiError ? err : new GraphApiError('send template', undefined, undefined, 'unexpected error', { cause: err });
      const kind = classifyCloudError(e.code, e.httpStatus);
      logEvent(log, 'warn', 'whatsapp cloud template send failed', { outboxId: logId(message.id), code: e.code, httpStatus: e.httpStatus, template: logId(o.template.name), result: kind.kind });
      if (kind.kind === 'auth') degrade(e);
      // A template refused for the window would loop: say so with its code instead.
      if (kind.kind === 'window') return { ok: false, kind: 'permanent', reason: 'forbidden', detail: failureDetail(e.code, e.title) };
      return toSendResult(kind, failureDetail(e.code, e.title, e.httpStatus), pauseFor(kind));
    }
    await store.noteTemplate(chatId, now());
    await store.hold(chatId, message);
    healthy();
    logEvent(log, 'info', 'whatsapp cloud window closed: template sent, reply held', { outboxId: logId(message.id), msgRef: msgRef(wamid), template: logId(o.template.name) });
    return { ok: true, channelMessageIds: [wamid] };
  }

  /** Send the replies held for a chat, now that its window is open; on a failure the rest are held again, in order. */
  async function flushHeld(chatId: string, to: string): Promise<SendResult | undefined> {
    const held = await store.takeHeld(chatId);
    for (const [i, message] of held.entries()) {
      const r = await sendParts(message, to);
      if (!r.ok && r.kind === 'permanent') {
        // Already reported sent (behind the template): report its failure instead, and go on with the others.
        const [, code, title] = /error (\d+): (.*)$/.exec(r.detail) ?? [];
        const failed: DeliveryStatusEvent = { channelMessageId: `held:${message.id}`, channelUserId: chatId, status: 'failed', at: now(), outboxId: logId(message.id), error: { code: Number(code ?? 0), title: title ?? r.detail } };
        await emit(r.reason === 'not_found' ? { ...failed, unreachable: true } : failed);
        continue;
      }
      if (!r.ok) {
        for (const rest of held.slice(i)) await store.hold(chatId, rest);
        return r;
      }
      const first = r.channelMessageIds[0];
      if (first) await emit({ channelMessageId: first, channelUserId: chatId, status: 'sent', at: now(), outboxId: logId(message.id), released: true });
    }
    return undefined;
  }

  async function sendNow(message: OutboundMessage, to: string): Promise<SendResult> {
    const chatId = message.channelUserId;
    if (!(await windowOpen(chatId))) return reengage(message, to);
    const stuck = await flushHeld(chatId, to);
    if (stuck) return stuck;
    return sendParts(message, to);
  }

  /** Send one part again after a failed receipt said Meta was busy; its receipts then come under the new id. */
  async function resendPart(entry: { message: OutboundMessage; part: number }, to: string, waitMs: number): Promise<void> {
    await new Promise((r) => setTimeout(r, waitMs));
    const body = planMessages(to, entry.message)[entry.part];
    if (!body) return;
    try {
      const id = await client.send('resend message', body);
      remember(recent, id, entry);
      await emit({ channelMessageId: id, channelUserId: entry.message.channelUserId, status: 'sent', at: now(), outboxId: logId(entry.message.id), ...(entry.part === 0 ? { released: true as const } : {}) });
    } catch (err) {
      const e = err instanceof GraphApiError ? err : new GraphApiError('resend message', undefined, undefined, 'unexpected error');
      logEvent(log, 'warn', 'whatsapp cloud resend failed', { outboxId: logId(entry.message.id), part: entry.part, code: e.code, httpStatus: e.httpStatus });
      await emit({ channelMessageId: `resend:${entry.message.id}:${entry.part}`, status: 'failed', at: now(), outboxId: logId(entry.message.id), error: { code: e.code ?? 0, title: e.title } });
    }
  }

  async function onStatusEntry(raw: unknown): Promise<void> {
    const event = normaliseStatus(raw);
    if (!event) return;
    const entry = recent.get(event.channelMessageId);
    if (entry) event.outboxId = entry.message.id;
    if (event.status === 'failed' && event.error) {
      const kind = classifyCloudError(event.error.code, undefined);
      logEvent(log, 'warn', 'whatsapp cloud message failed', { msgRef: msgRef(event.channelMessageId), outboxId: event.outboxId ? logId(event.outboxId) : undefined, code: event.error.code, result: kind.kind });
      if (kind.kind === 'not_on_whatsapp') event.unreachable = true;
      const to = entry ? waIdForChat(entry.message.channelUserId) : undefined;
      if (kind.kind === 'window' && entry && to) {
        // Re-sent as the template; the reply itself is held, so this failure is not the message's fate.
        void inChain(entry.message.channelUserId, () => reengage(entry.message, to)).catch(() => undefined);
        return;
      }
      const busy = kind.kind === 'throttled' || kind.kind === 'pair_rate' || kind.kind === 'transient';
      const tries = entry ? (resends.get(entry.message.id) ?? 0) + 1 : 0;
      if (busy && entry && to && tries <= ASYNC_RESENDS) {
        remember(resends, entry.message.id, tries);
        // In the chat's chain: a later reply of the same chat waits, so the person still reads them in order.
        void inChain(entry.message.channelUserId, () => resendPart(entry, to, throttle.minMs * 2 ** (tries - 1))).catch(() => undefined);
        return;
      }
    }
    await emit(event);
  }

  async function onChange(value: CloudChangeValue): Promise<void> {
    for (const raw of value.messages ?? []) {
      const n = normaliseMessage(raw, value, now());
      if (n.kind === 'ignored') {
        logEvent(log, 'info', 'whatsapp cloud message ignored', { msgRef: n.id ? msgRef(n.id) : undefined, type: n.type ? logId(n.type) : undefined, reason: n.reason });
        continue;
      }
      const checked = InboundMessage.safeParse(n.message);
      if (!checked.success) {
        logEvent(log, 'error', 'whatsapp cloud message not normalisable', { msgRef: msgRef(n.message.channelMessageId), issues: checked.error.issues.map((i) => logId(i.path.join('.'))) });
        continue;
      }
      const message = checked.data;
      const chatId = message.channelUserId;
      // A fresh message opens the window now (Meta's timestamps have whole seconds and its clock is not ours: a reply in the
      // same second as our template must count as after it); a late redelivery only tells us when the person wrote.
      const fresh = now() - message.sentAt < FRESH_MS;
      await store.noteInbound(chatId, fresh ? now() : message.sentAt);
      const held = await store.hasHeld(chatId);
      // Queued before the hand-over: the engine's answer to this message waits behind the replies held for it.
      if (held) void inChain(chatId, () => flushHeld(chatId, n.waId)).catch(() => undefined);
      if (n.continueTap && held) {
        logEvent(log, 'info', 'whatsapp cloud template answered: held replies released', { msgRef: msgRef(message.channelMessageId) });
        continue;
      }
      logEvent(log, 'debug', 'whatsapp cloud message received', { msgRef: msgRef(message.channelMessageId), kind: message.content.kind });
      await handler!(message);
    }
    for (const raw of value.statuses ?? []) await onStatusEntry(raw);
    for (const e of value.errors ?? []) logEvent(log, 'warn', 'whatsapp cloud webhook reported an error', { code: e.code });
  }

  return {
    name: 'whatsapp',
    transport: 'cloud',

    async start(onMessage) {
      if (handler) throw new Error('whatsapp cloud channel already started');
      handler = onMessage;
    },

    async stop() {
      handler = undefined;
      await Promise.all([...chains.values()]);
    },

    async send(message) {
      const to = waIdForChat(message.channelUserId);
      if (!to) return { ok: false, kind: 'permanent', reason: 'not_found', detail: 'not a WhatsApp phone chat id' };
      try {
        return await inChain(message.channelUserId, () => sendNow(message, to));
      } catch (err) {
        // Store (Redis) trouble or a bug: a value, never a throw, for the outbound worker.
        logEvent(log, 'warn', 'whatsapp cloud send aborted', { outboxId: logId(message.id), errName: logId(err instanceof Error ? err.name : typeof err) });
        return { ok: false, kind: 'transient', detail: err instanceof Error ? err.name : 'unknown error' };
      }
    },

    async handleWebhook(headers, rawBody) {
      if (!verifySignature(rawBody, headers['x-hub-signature-256'], o.appSecret)) {
        logEvent(log, 'warn', 'whatsapp cloud webhook rejected: bad signature', { signed: headers['x-hub-signature-256'] !== undefined });
        return { status: 401 };
      }
      let json: unknown;
      try {
        json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
      } catch {
        return { status: 400 };
      }
      const body = CloudWebhook.safeParse(json);
      if (!body.success) return { status: 400 };
      if (body.data.object !== 'whatsapp_business_account') return { status: 200 };
      if (!handler) return { status: 503 };
      try {
        for (const entry of body.data.entry) {
          for (const change of entry.changes) {
            if (change.field !== 'messages') continue;
            const value = CloudChangeValue.safeParse(change.value);
            if (!value.success) {
              logEvent(log, 'warn', 'whatsapp cloud change not understood', { entryId: logId(entry.id) });
              continue;
            }
            if (value.data.metadata.phone_number_id !== o.phoneNumberId) {
              logEvent(log, 'warn', 'whatsapp cloud webhook for another phone number ignored', { entryId: logId(entry.id) });
              continue;
            }
            await onChange(value.data);
          }
        }
        return { status: 200 };
      } catch (err) {
        logEvent(log, 'error', 'whatsapp cloud webhook handling failed: Meta will retry', { errName: logId(err instanceof Error ? err.name : typeof err) });
        return { status: 500 };
      }
    },

    verifySubscription(query) {
      return answerSubscription(query, o.verifyToken);
    },

    health() {
      return { ...health };
    },

    async checkNumber(phoneE164) {
      try {
        return { exists: true, jid: chatIdForPhone(phoneE164) };
      } catch {
        return { exists: false };
      }
    },

    jidForPhone(phoneE164) {
      return chatIdForPhone(phoneE164);
    },
  };
}
