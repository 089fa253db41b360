import { TelegramError } from 'telegraf';
import { CodedError, type ErrorCode } from '../../domain/errors.js';
import type { SendResult } from '../../domain/channel.js';

/**
 * A failed Bot API call, wrapped once at the boundary: it names the method that was attempted, the catalogue code, the
 * Bot API error code (absent for network failures) and Telegram's description. Never carries message text or the bot token.
 */
export class TelegramApiError extends CodedError {
  override readonly name = 'TelegramApiError';

  constructor(
    readonly method: string,
    /** Bot API `error_code` (also the HTTP status), or undefined when no answer came back (refused, reset, timeout). */
    readonly apiCode: number | undefined,
    readonly description: string,
    /** `parameters.retry_after` of a 429, in seconds. */
    readonly retryAfterSec: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(telegramCode(apiCode, description), method, { detail: `${apiCode ?? 'network'} ${description}`, cause: options?.cause });
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

const notFound = /chat not found|user not found|peer_id_invalid|chat_id is empty/i;

/**
 * The catalogue code of a Bot API failure: no answer → network; 5xx → server_error; 429 → rate_limited; 403 (blocked,
 * deactivated, kicked) → blocked; 400 "chat not found" → chat_not_found; 401/404 (token revoked or wrong API root: our
 * configuration, not the patient) → misconfigured; any other 4xx (a malformed request is our bug) → rejected.
 */
export function telegramCode(apiCode: number | undefined, description: string): ErrorCode {
  if (apiCode === undefined) return 'telegram:network';
  if (apiCode >= 500) return 'telegram:server_error';
  if (apiCode === 429) return 'telegram:rate_limited';
  if (apiCode === 403) return 'telegram:blocked';
  if (apiCode === 400 && notFound.test(description)) return 'telegram:chat_not_found';
  if (apiCode === 401 || apiCode === 404) return 'telegram:misconfigured';
  return 'telegram:rejected';
}

/** True when `err` is the abort of a request we cancelled ourselves (stop()). */
export function isAbort(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'AbortError';
}

/**
 * Map a failed send to the outbound worker's vocabulary: rate_limited → retry_after; blocked → permanent blocked;
 * chat_not_found → permanent not_found; misconfigured → transient, so sends resume once it is fixed; rejected (a bug that
 * will not heal by retrying) → permanent forbidden; network and server_error → transient.
 */
export function sendFailure(err: TelegramApiError): Exclude<SendResult, { ok: true }> {
  const detail = err.message;
  switch (err.code) {
    case 'telegram:rate_limited':
      return { ok: false, kind: 'retry_after', retryAfterMs: (err.retryAfterSec ?? 1) * 1000, detail };
    case 'telegram:blocked':
      return { ok: false, kind: 'permanent', reason: 'blocked', detail };
    case 'telegram:chat_not_found':
      return { ok: false, kind: 'permanent', reason: 'not_found', detail };
    case 'telegram:rejected':
      return { ok: false, kind: 'permanent', reason: 'forbidden', detail };
    default:
      return { ok: false, kind: 'transient', detail };
  }
}
