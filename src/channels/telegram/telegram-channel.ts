import { timingSafeEqual } from 'node:crypto';
import { Telegram } from 'telegraf';
import type { Channel, InboundHandler, OutboundMessage, SendResult } from '../../domain/channel.js';
import { InboundMessage } from '../../domain/channel.js';
import type { Coordination } from '../../domain/coordination.js';
import { isAbort, sendFailure, TelegramApiError } from './errors.js';
import { logEvent, logId } from '../../domain/log-event.js';
import type { TelegramLogger } from './logger.js';
import { normaliseUpdate, START_CODE } from './normalise.js';
import { LeaseHolder } from './lease-holder.js';
import { keyboardAfter, oversizedChoice, planSend } from './outbound.js';
import { UpdatePoller } from './polling.js';
import { TgUpdate, updateType } from './update-schema.js';

export interface TelegramChannelOptions {
  /** Bot token from BotFather. Never logged. */
  token: string;
  /** Bot API root, e.g. https://api.telegram.org or a fake server; a path is allowed. */
  apiRoot: string;
  /** Webhook mode: Telegram POSTs updates to `url` with `secret` in x-telegram-bot-api-secret-token. Polling when absent. */
  webhook?: {
    url: string;
    secret: string;
    /**
     * Call setWebhook on start (default true). A web-only node that just accepts the POSTs leaves it to the channels
     * processes, so a fleet of web nodes does not re-register the URL on every start.
     */
    register?: boolean;
  };
  logger: TelegramLogger;
  /** Backoff between failed getUpdates calls and failed handler attempts. Default 1 s … 60 s. */
  pollingRetry?: { minMs: number; maxMs: number };
  /** Long-poll seconds per getUpdates. Default 50 (Telegram's maximum). */
  pollTimeoutSec?: number;
  /** Handler attempts per polled update before it is logged and skipped. Default 5. */
  handlerAttempts?: number;
  /** Leave groups, supergroups and channels the bot was added to (their messages are ignored either way). Default false. */
  leaveGroups?: boolean;
  /** Clock for button presses, which carry no timestamp. Default Date.now. */
  now?: () => number;
  /**
   * Polling from several processes: only the holder of this bot's lease polls (Telegram answers a second poller with 409
   * Conflict), the others stand by and take over when it stops or dies. Without it this process polls alone. Webhook mode
   * takes no lease: every process accepts the updates Telegram POSTs to it. Defaults: ttl 10 s, retry every 1 s.
   */
  pollLock?: { coordination: Coordination; ttlMs?: number; retryMs?: number };
}

/** The Telegram adapter: a Channel plus the hooks the web server and case linking need. */
export interface TelegramChannel extends Channel {
  readonly name: 'telegram';
  readonly mode: 'polling' | 'webhook';
  /** The bot's @username (without '@'), from getMe, cached after the first success. */
  botUsername(): Promise<string>;
  /** `https://t.me/<bot>?start=<code>`: opening it sends `/start <code>`. Throws if the code is not 1–64 of [A-Za-z0-9_-]. */
  deepLink(code: string): Promise<string>;
  /**
   * Handle one webhook POST: 401 for a missing or wrong secret (nothing processed), 400 for a body that is not an Update,
   * 503 before start(), 500 when the handler failed (Telegram delivers the update again), else 200.
   */
  handleWebhook(headers: Record<string, string | string[] | undefined>, body: unknown): Promise<{ status: number }>;
  /** Whether this process is polling getUpdates now (with `pollLock`: whether it holds the bot's lease). */
  isPoller(): boolean;
}

/** A killed holder is replaced once its lease expires (~ttl + retry); a stopped one gives the lease back at once. */
const POLL_LEASE_TTL_MS = 10_000;
const POLL_LEASE_RETRY_MS = 1_000;

/** The lease naming the process that polls for this bot: by the bot's id (the token before ':'), never the token itself. */
export function pollLeaseName(token: string): string {
  const botId = /^(\d+):/.exec(token)?.[1];
  if (!botId) throw new Error('telegram bot token must look like 123456:ABC-def');
  return `telegram:${botId}:poller`;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/**
 * Bounded memories, per process: a restart, or a retry taken by another channels process (every one of them sends), misses
 * them, which costs at most one duplicate part or one stale keyboard.
 */
const MEMORY = 1000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MEMORY) map.delete(map.keys().next().value as K);
}

function sameSecret(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Build the Telegram channel. Nothing touches the network until `start`, `send` or `botUsername` is called. Throws when
 * `pollLock` is given for a token not shaped like `123456:ABC-def` (the config rejects those anyway).
 */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  // telegraf builds URLs with new URL('./bot<token>/<method>', apiRoot): without the trailing '/', a path would be dropped.
  const apiRoot = options.apiRoot.endsWith('/') ? options.apiRoot : `${options.apiRoot}/`;
  const telegram = new Telegram(options.token, { apiRoot, webhookReply: false });
  const log = options.logger;
  const now = options.now ?? Date.now;
  const retry = options.pollingRetry ?? { minMs: 1000, maxMs: 60_000 };
  const leaseName = options.pollLock && !options.webhook ? pollLeaseName(options.token) : undefined;

  let handler: InboundHandler | undefined;
  let poller: UpdatePoller | undefined;
  let pollHolder: LeaseHolder | undefined;
  let username: Promise<string> | undefined;
  /** Chats with our share-phone reply keyboard on screen, so the next message can take it away. */
  const keyboards = new Map<string, true>();
  /** Outbox id → ids of the parts already delivered, so a retry after a failed middle part does not repeat the first. */
  const sentParts = new Map<string, string[]>();
  const answered = new Map<string, true>();
  const left = new Map<number, true>();

  async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw TelegramApiError.from(method, err);
    }
  }

  async function answer(callbackQueryId: string): Promise<void> {
    if (answered.has(callbackQueryId)) return;
    try {
      await call('answerCallbackQuery', () => telegram.answerCbQuery(callbackQueryId));
      remember(answered, callbackQueryId, true);
    } catch (err) {
      const e = TelegramApiError.from('answerCallbackQuery', err);
      logEvent(log, 'warn', 'telegram callback query not answered', { method: logId(e.method), code: e.apiCode, error: e.code, callbackQueryId: logId(callbackQueryId) });
    }
  }

  /** Normalise and hand over one parsed update; rejects when the handler did (the caller decides about redelivery). */
  async function processUpdate(update: TgUpdate): Promise<void> {
    const onMessage = handler;
    if (!onMessage) throw new Error('telegram channel not started');
    const n = normaliseUpdate(update, now());
    const updateId = update.update_id;
    if (n.kind === 'ignored') {
      logEvent(log, 'info', 'telegram update ignored', { updateId, updateType: logId(n.updateType), reason: n.reason, chatType: n.chatType === undefined ? undefined : logId(n.chatType), chatId: n.chatId });
      if (n.callbackQueryId) await answer(n.callbackQueryId);
      if (n.reason === 'not_private' && options.leaveGroups && n.chatId !== undefined && !left.has(n.chatId)) {
        remember(left, n.chatId, true);
        await call('leaveChat', () => telegram.leaveChat(n.chatId!)).catch((err: unknown) => {
          const e = TelegramApiError.from('leaveChat', err);
          logEvent(log, 'warn', 'telegram leaveChat failed', { method: logId(e.method), code: e.apiCode, error: e.code, chatId: n.chatId });
        });
      }
      return;
    }
    const checked = InboundMessage.safeParse(n.message);
    if (!checked.success) {
      // Our normalisation produced something the queue would reject (e.g. an over-long field): a bug, not a retry case.
      logEvent(log, 'error', 'telegram update not normalisable', { updateId, updateType: logId(updateType(update)), issues: checked.error.issues.map((i) => logId(i.path.join('.'))) });
      if (n.callbackQueryId) await answer(n.callbackQueryId);
      return;
    }
    const message = checked.data;
    if (message.phone) keyboards.delete(message.channelUserId); // the one-time keyboard closed itself
    logEvent(log, 'debug', 'telegram update received', { updateId, channelMessageId: logId(message.channelMessageId), kind: message.content.kind });
    try {
      await onMessage(message);
    } finally {
      // Always, even when the handler failed: otherwise the patient's button keeps spinning.
      if (n.callbackQueryId) await answer(n.callbackQueryId);
    }
  }

  /** Polling path: a malformed update is logged and skipped; a handler failure rejects so the poller retries it. */
  async function processRaw(raw: unknown): Promise<void> {
    const parsed = TgUpdate.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { update_id?: unknown } | null)?.update_id;
      logEvent(log, 'warn', 'malformed telegram update skipped', { updateId: typeof id === 'number' ? id : undefined });
      return;
    }
    await processUpdate(parsed.data);
  }

  /** Not `bot.launch()`: see UpdatePoller for why. Runs in the background; does not wait for the API. */
  function startPolling(): void {
    if (poller) return;
    poller = new UpdatePoller({
      telegram,
      logger: log,
      timeoutSec: options.pollTimeoutSec ?? 50,
      retry,
      handlerAttempts: options.handlerAttempts ?? 5,
      onUpdate: processRaw,
    });
    poller.start();
    logEvent(log, 'info', 'telegram polling started', { mode: 'polling' });
  }

  /** Stop polling: waits for the update in hand and confirms the offset of those handled with Telegram. */
  async function stopPolling(): Promise<void> {
    const p = poller;
    poller = undefined;
    await p?.stop();
    if (p) logEvent(log, 'info', 'telegram polling stopped', { mode: 'polling' });
  }

  async function sendParts(message: OutboundMessage): Promise<SendResult> {
    const chat = message.channelUserId;
    const tooLong = oversizedChoice(message);
    if (tooLong !== undefined) {
      logEvent(log, 'error', 'telegram choice value over 64 bytes', { outboxId: logId(message.id), chatId: logId(chat) });
      return { ok: false, kind: 'permanent', reason: 'forbidden', detail: 'choice value longer than 64 bytes of callback_data' };
    }
    const shownBefore = keyboards.has(chat);
    const parts = planSend(message, shownBefore);
    const ids = sentParts.get(message.id) ?? [];
    for (let i = ids.length; i < parts.length; i++) {
      const part = parts[i]!;
      try {
        const sent = await call('sendMessage', () =>
          telegram.sendMessage(chat, part.text, part.replyMarkup ? { reply_markup: part.replyMarkup } : {}),
        );
        ids.push(`${sent.chat.id}:${sent.message_id}`);
        remember(sentParts, message.id, ids);
      } catch (err) {
        const e = TelegramApiError.from('sendMessage', err);
        const result = sendFailure(e);
        logEvent(log, 'warn', 'telegram send failed', { outboxId: logId(message.id), chatId: logId(chat), part: i, method: logId(e.method), code: e.apiCode, error: e.code, result: result.kind });
        return result;
      }
    }
    sentParts.delete(message.id);
    if (keyboardAfter(parts, shownBefore)) remember(keyboards, chat, true);
    else keyboards.delete(chat);
    return { ok: true, channelMessageIds: ids };
  }

  return {
    name: 'telegram',
    mode: options.webhook ? 'webhook' : 'polling',

    async start(onMessage) {
      if (handler) throw new Error('telegram channel already started');
      handler = onMessage;
      if (options.webhook?.register === false) return;
      if (options.webhook) {
        const { url, secret } = options.webhook;
        try {
          await call('setWebhook', () => telegram.setWebhook(url, { secret_token: secret, drop_pending_updates: false }));
        } catch (err) {
          handler = undefined;
          throw err;
        }
        logEvent(log, 'info', 'telegram webhook set', { mode: 'webhook' });
        return;
      }
      if (!options.pollLock || !leaseName) return startPolling();
      const { coordination, ttlMs = POLL_LEASE_TTL_MS, retryMs = POLL_LEASE_RETRY_MS } = options.pollLock;
      pollHolder = new LeaseHolder({ lease: coordination.lease(leaseName, ttlMs), name: leaseName, ttlMs, retryMs, logger: log, onHold: startPolling, onLose: stopPolling });
      await pollHolder.start();
    },

    async stop() {
      const h = pollHolder;
      pollHolder = undefined;
      // The holder stops polling (confirming the offset of what was handled) before it gives the lease to the next one.
      if (h) await h.stop();
      else await stopPolling();
      handler = undefined;
    },

    isPoller() {
      return poller !== undefined;
    },

    async send(message) {
      try {
        return await sendParts(message);
      } catch (err) {
        // Only reachable through a bug in planning; still a value, never a throw, for the outbound worker.
        if (isAbort(err)) return { ok: false, kind: 'transient', detail: 'aborted' };
        return { ok: false, kind: 'transient', detail: err instanceof Error ? err.name : 'unknown error' };
      }
    },

    botUsername() {
      username ??= call('getMe', () => telegram.getMe()).then(
        (me) => me.username,
        (err: unknown) => {
          username = undefined;
          throw err;
        },
      );
      return username;
    },

    async deepLink(code) {
      if (!START_CODE.test(code)) throw new Error('deep-link code must be 1-64 characters of A-Z a-z 0-9 _ -');
      return `https://t.me/${await this.botUsername()}?start=${code}`;
    },

    async handleWebhook(headers, body) {
      if (!options.webhook || !sameSecret(options.webhook.secret, headers[SECRET_HEADER])) {
        logEvent(log, 'warn', 'telegram webhook call rejected: secret token', { mode: options.webhook ? 'webhook' : 'polling' });
        return { status: 401 };
      }
      const parsed = TgUpdate.safeParse(body);
      if (!parsed.success) {
        logEvent(log, 'warn', 'telegram webhook body is not an Update');
        return { status: 400 };
      }
      if (!handler) return { status: 503 };
      try {
        await processUpdate(parsed.data);
        return { status: 200 };
      } catch (err) {
        logEvent(log, 'error', 'telegram webhook update failed', { updateId: parsed.data.update_id, error: logId(err instanceof Error ? err.name : typeof err) });
        return { status: 500 };
      }
    },
  };
}
