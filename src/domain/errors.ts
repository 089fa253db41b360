/**
 * The catalogue of error codes: every failure the system reports (in an API body, an engine `error` event, a log line or
 * a thrown error) names one of these `area:reason` codes, so an operator can look any of them up here. Expected failures
 * stay values (`{ ok: false, ... }`); these codes name what went wrong, and `CodedError` carries one when it is thrown.
 */
export const ERROR_CODES = {
  // The flow engine (`src/flow`): a problem inside a coordinator's flow, or a bug in the engine.
  'flow:step_cap': 'more steps in one turn than the flow allows (max_steps_per_turn): a loop without a question',
  'flow:unknown_step': 'a jump or a hand-back names a step the flow does not have',
  'flow:bad_condition': "a step's condition cannot be evaluated",
  'engine:exception': 'a bug in the engine; the chat went to a tracer with the state from before the turn',

  // HTTP (the web app and the API).
  'http:bad_request': 'the request is malformed (wrong content type, unreadable body)',
  'http:invalid': 'the body or query failed validation; `problems` names each field',
  'http:not_found': 'no such page, route or record',
  'http:payload_too_large': 'the body is larger than the server accepts (256 KB; forms 64 KB): send fewer records per request',
  'http:too_many_requests': 'rate limit reached; wait and retry',
  'http:internal': 'an unexpected error; it was logged with the request id',
  'auth:unauthorized': 'not signed in, or no valid API token (Authorization: Bearer <token>)',
  'auth:forbidden': "the user's or token's role cannot use this",
  'auth:password_change_required': 'the user must choose their own password first',
  'api:no_outreach_channel': 'writing first needs WhatsApp (or OUTREACH_CHANNEL) enabled',
  'api:contact_not_followed': 'the contact has no monitoring record (never enrolled: their quarantine had ended when they were named)',

  // Telegram Bot API calls, by how the call failed.
  'telegram:network': 'no answer from the Bot API (refused, reset, timeout)',
  'telegram:rate_limited': 'the Bot API answered 429; retry after the given delay',
  'telegram:blocked': 'the patient blocked the bot or deleted their account (403)',
  'telegram:chat_not_found': 'the chat does not exist (400 chat not found)',
  'telegram:misconfigured': 'the bot token or API root is wrong (401/404): our configuration, not the patient',
  'telegram:rejected': 'the Bot API refused the request (another 4xx): a bug on our side',
  'telegram:server_error': 'the Bot API failed (5xx)',

  // The WhatsApp socket.
  'whatsapp:not_holder': 'this process does not hold the WhatsApp socket lease',
  'whatsapp:not_open': 'the WhatsApp connection is not open',
  'whatsapp:already_linked': 'the account is already linked; unlink it on the phone first',
  'whatsapp:send_failed': 'WhatsApp refused or failed a send',
  'outreach:failed': 'writing first to a case failed on every attempt (e.g. the number check kept erroring): the case needs a call',
  'outreach:channel_unavailable': 'the outreach channel had no connection for longer than outreach waits: the case needs a call',
  'whatsapp:handshake_refused': 'the WhatsApp server answered the connection (WebSocket upgrade) with an HTTP error, e.g. 503; retried with backoff',
  'whatsapp:connect_timeout': 'a WhatsApp connection attempt neither opened nor showed a QR code in time; retried with backoff',
} as const satisfies Record<`${string}:${string}`, string>;

/** One code of the catalogue, e.g. `telegram:blocked`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The area of a code (the part before the colon), e.g. `telegram`. */
export type ErrorArea = ErrorCode extends `${infer A}:${string}` ? A : never;

/** True when `code` is in the catalogue (for codes read from outside, e.g. an engine event stored in the database). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/**
 * A failure wrapped once at a boundary: the catalogue code, and what was attempted (`sendMessage`, `checkNumber`,
 * `POST /api/v1/cases`). The message is built from those two and an optional detail; it never carries message text.
 */
export class CodedError extends Error {
  override name = 'CodedError';

  constructor(
    readonly code: ErrorCode,
    /** What was attempted: an operation or method name, never user input. */
    readonly attempted: string,
    options?: { detail?: string; cause?: unknown },
  ) {
    super(`${attempted}: ${code}${options?.detail ? ` (${options.detail})` : ''}`, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/**
 * A channel cannot take the request now (no connection, another process holds it) and will later: callers wait and try
 * again without counting it as a failed attempt.
 */
export class ChannelUnavailableError extends CodedError {
  override name = 'ChannelUnavailableError';
}

/**
 * True when `error` says the database could not write at all (disk full, locked past the busy timeout, I/O error, read-only
 * file), as opposed to a problem with one item. Such a failure is an outage: the work waits and is tried again in order,
 * instead of being set aside as a poison item. Recognised by the SQLite result code or the PostgreSQL SQLSTATE the driver puts on its errors.
 */
export function isStorageOutage(error: unknown): boolean {
  // Wrapped errors keep the driver's error as their cause: look a few levels down.
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(FULL|BUSY|LOCKED|IOERR|READONLY|CANTOPEN|NOMEM)/.test(code)) return true;
    // PostgreSQL's SQLSTATE classes for the same: connection lost (08), out of disk or memory (53), server shutting down
    // or a lock timeout (57, 55P03), server I/O errors (58), read-only standby (25006).
    if (typeof code === 'string' && /^(08|53|57|58)[0-9A-Z]{3}$|^55P03$|^25006$/.test(code)) return true;
  }
  return false;
}

/** True when `error` is a unique-constraint violation (SQLite's SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
