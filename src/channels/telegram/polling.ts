import type { Telegram } from 'telegraf';
import { z } from 'zod';
import { backoffMs, sleep } from './backoff.js';
import { isAbort, TelegramApiError } from './errors.js';
import { logEvent, logId } from '../../domain/log-event.js';
import type { TelegramLogger } from './logger.js';

export interface PollerOptions {
  telegram: Telegram;
  logger: TelegramLogger;
  /** Long-poll seconds per getUpdates; Telegram holds the request at most this long when nothing is waiting. */
  timeoutSec: number;
  retry: { minMs: number; maxMs: number };
  /** Tries per update before it is logged and skipped, so one poison update cannot stall every patient. */
  handlerAttempts: number;
  /** Handle one raw update; a rejection means "not handled", and the update is retried. */
  onUpdate: (update: unknown) => Promise<void>;
}

/** telegraf types the signal as the `abort-controller` polyfill's; node-fetch 2 accepts the native one it is at runtime. */
type CallApiOptions = Parameters<Telegram['callApi']>[2];
const withSignal = (signal: AbortSignal): CallApiOptions => ({ signal }) as unknown as CallApiOptions;

const UpdateId = z.looseObject({ update_id: z.number().int() });

/**
 * Our own getUpdates loop instead of `bot.launch()`: telegraf 4.16's loop (lib/core/network/polling.js) waits a fixed
 * `retry_after ?? 5` s on network errors and 5xx, and a handler rejection ends polling for good after confirming the offset of the
 * failed batch, which silently drops those updates. Here the offset only moves past an update once it was handled (or had its
 * `handlerAttempts`), so delivery is at least once (duplicates are caught by `channelMessageId`), and API outages back off
 * exponentially between `retry.minMs` and `retry.maxMs`, forever, until `stop()`.
 */
export class UpdatePoller {
  private readonly abort = new AbortController();
  private offset = 0;
  private confirmedOffset = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly o: PollerOptions) {}

  /** Begin polling in the background. */
  start(): void {
    this.running ??= this.loop();
  }

  /** Stop polling (cancels the pending long poll), wait for the update in hand, and confirm the offset with Telegram. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    if (this.offset > this.confirmedOffset) {
      // Same courtesy as telegraf: tell Telegram what we handled so the next start does not get it again.
      await this.o.telegram.callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0 }).catch(() => undefined);
    }
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    let webhookCleared = false;
    while (!signal.aborted) {
      let method = 'deleteWebhook';
      try {
        if (!webhookCleared) {
          // A webhook left over from webhook mode makes getUpdates answer 409.
          await this.o.telegram.callApi('deleteWebhook', { drop_pending_updates: false }, withSignal(signal));
          webhookCleared = true;
        }
        method = 'getUpdates';
        const offset = this.offset;
        const raw: unknown = await this.o.telegram.callApi('getUpdates', { offset, timeout: this.o.timeoutSec }, withSignal(signal));
        this.confirmedOffset = offset;
        if (failures > 0) logEvent(this.o.logger, 'info', 'telegram polling resumed', { method: logId(method), failures });
        failures = 0;
        const updates = z.array(z.unknown()).safeParse(raw);
        if (!updates.success) throw new TelegramApiError(method, undefined, 'result is not an array', undefined);
        for (const update of updates.data) {
          // Stopped (or fenced off by a lost lease): the rest of the batch stays unconfirmed, for whoever polls next.
          if (signal.aborted) return;
          await this.deliver(update, signal);
        }
      } catch (err) {
        if (signal.aborted || isAbort(err)) return;
        failures += 1;
        const e = TelegramApiError.from(method, err);
        // A 429 names its wait; anything else backs off exponentially.
        const delayMs = Math.max(backoffMs(failures, this.o.retry), (e.retryAfterSec ?? 0) * 1000);
        logEvent(this.o.logger, 'warn', 'telegram polling failed, retrying', { method: logId(method), code: e.apiCode, error: e.code, failures, delayMs });
        try {
          await sleep(delayMs, signal);
        } catch {
          return;
        }
      }
    }
  }

  /** Hand one update over, retrying the handler; advances the offset unless stopped midway (then it is redelivered later). */
  private async deliver(update: unknown, signal: AbortSignal): Promise<void> {
    const parsed = UpdateId.safeParse(update);
    if (!parsed.success) {
      // Without an id the offset cannot move past it; Telegram never sends this, so only log.
      logEvent(this.o.logger, 'warn', 'telegram update without update_id skipped');
      return;
    }
    const updateId = parsed.data.update_id;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.onUpdate(update);
        break;
      } catch (err) {
        const error = logId(err instanceof Error ? err.name : typeof err);
        if (attempt >= this.o.handlerAttempts) {
          logEvent(this.o.logger, 'error', 'telegram update handler kept failing, update skipped', { updateId, attempt, error });
          break;
        }
        const delayMs = backoffMs(attempt, this.o.retry);
        logEvent(this.o.logger, 'error', 'telegram update handler failed, retrying', { updateId, attempt, error, delayMs });
        await sleep(delayMs, signal); // throws AbortError on stop: the update stays unconfirmed
      }
    }
    this.offset = Math.max(this.offset, updateId + 1);
  }
}
