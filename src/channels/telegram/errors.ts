import { TelegramError } from 'telegraf';
import type { SendResult } from '../../domain/channel.js';

/**
 * A failed Bot API call, wrapped once at the boundary: it names the method that was attempted, the Bot API error code (absent for
 * network failures) and Telegram's description. Never carries message text or the bot token.
 */
export class TelegramApiError extends Error {
  override readonly name = 'TelegramApiError';

  constructor(
    readonly method: string,
    /** Bot API `error_code` (also the HTTP status), or undefined when no answer came back (refused, reset, timeout). */
    readonly code: number | undefined,
    readonly description: string,
    /** `parameters.retry_after` of a 429, in seconds. */
    readonly retryAfterSec: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(`telegram ${method} failed: ${code ?? 'network'} ${description}`, options);
  }

  /** Wrap whatever a telegraf call threw (TelegramError, node-fetch FetchError, anything else) as a TelegramApiError. */
  static from(method: string, err: unknown): TelegramApiError {
    if (err instanceof TelegramApiError) return err;
    if (err instanceof TelegramError) {
      const retryAfter = err.parameters?.retry_after;
      return new TelegramApiError(method, err.code, err.description, typeof retryAfter === 'number' ? retryAfter : undefined, {
        cause: err,
      });
    }
    // node-fetch errors carry the request URL in `message` (telegraf redacts the token, but keep logs to the errno anyway).
    const e = err as { code?: unknown; name?: unknown } | undefined;
    const what = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'unknown error';
    return new TelegramApiError(method, undefined, what, undefined, { cause: err });
  }
}

/** True when `err` is the abort of a request we cancelled ourselves (stop()). */
export function isAbort(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'AbortError';
}

const notFound = /chat not found|user not found|peer_id_invalid|chat_id is empty/i;

/**
 * Map a failed send to the outbound worker's vocabulary:
 * 429 → retry_after; 403 (blocked, deactivated, kicked) → permanent blocked; 400 "chat not found" → permanent not_found;
 * 401/404 (token revoked or wrong API root: our configuration, not the patient) → transient, so sends resume once it is fixed;
 * any other 4xx (a malformed request is our bug and will not heal by retrying) → permanent forbidden; network and 5xx → transient.
 */
export function sendFailure(err: TelegramApiError): Exclude<SendResult, { ok: true }> {
  const detail = err.message;
  const code = err.code;
  if (code === undefined || code >= 500) return { ok: false, kind: 'transient', detail };
  if (code === 429) return { ok: false, kind: 'retry_after', retryAfterMs: (err.retryAfterSec ?? 1) * 1000, detail };
  if (code === 403) return { ok: false, kind: 'permanent', reason: 'blocked', detail };
  if (code === 400 && notFound.test(err.description)) return { ok: false, kind: 'permanent', reason: 'not_found', detail };
  if (code === 401 || code === 404) return { ok: false, kind: 'transient', detail };
  return { ok: false, kind: 'permanent', reason: 'forbidden', detail };
}
