import type { SendResult } from '../../domain/channel.js';

/**
 * Graph API error codes the adapter acts on (Meta's Cloud API error-code reference). One catalogue, so the send path and the
 * status webhook path classify the same code the same way.
 */
export const CloudErrorCode = {
  /** Access token expired or revoked. */
  tokenInvalid: 190,
  /** Application-level throttling. */
  appRateLimit: 4,
  /** WhatsApp Business Account rate limit. */
  wabaRateLimit: 80007,
  /** Cloud API throughput reached for the number. */
  throughput: 130429,
  /** The recipient is not on WhatsApp (or cannot receive this message). */
  undeliverable: 131026,
  /** More than 24 hours since the person last wrote: only a template may be sent. */
  reEngagement: 131047,
  /** Too many messages to the same person in a short time (pair rate limit). */
  pairRateLimit: 131056,
  /** Meta's generic and temporary server-side failures. */
  generic: 131000,
  serviceUnavailable: 131016,
  apiUnknown: 1,
  apiService: 2,
} as const;

const TRANSIENT_CODES = new Set<number>([CloudErrorCode.generic, CloudErrorCode.serviceUnavailable, CloudErrorCode.apiUnknown, CloudErrorCode.apiService]);
const THROTTLE_CODES = new Set<number>([CloudErrorCode.throughput, CloudErrorCode.appRateLimit, CloudErrorCode.wabaRateLimit]);

/**
 * A failed Graph API call, wrapped once at the boundary: what was attempted, the HTTP status (absent when no answer came back),
 * Meta's error code and title. Never carries message text, phone numbers or the token.
 */
export class GraphApiError extends Error {
  override readonly name = 'GraphApiError';

  constructor(
    readonly operation: string,
    readonly httpStatus: number | undefined,
    readonly code: number | undefined,
    readonly title: string,
    options?: { cause?: unknown; subcode?: number; fbtraceId?: string },
  ) {
    super(`whatsapp cloud ${operation} failed: ${httpStatus ?? 'network'}${code !== undefined ? ` code ${code}` : ''} ${title}`.trim(), options);
    this.subcode = options?.subcode;
    this.fbtraceId = options?.fbtraceId;
  }

  readonly subcode: number | undefined;
  readonly fbtraceId: string | undefined;
}

/** What the adapter does about a failure, before it becomes a SendResult. */
export type CloudFailureKind =
  /** Token or app credentials are bad: stop sending, keep messages queued, report degraded. */
  | { kind: 'auth' }
  /** Outside the 24-hour window: send the approved template instead. */
  | { kind: 'window' }
  | { kind: 'throttled' }
  | { kind: 'pair_rate' }
  | { kind: 'transient' }
  | { kind: 'not_on_whatsapp' }
  | { kind: 'permanent' };

/** Classify an error by Meta's code and the HTTP status. Unknown codes are permanent: they carry their code to the transcript. */
export function classifyCloudError(code: number | undefined, httpStatus: number | undefined): CloudFailureKind {
  if (code === CloudErrorCode.tokenInvalid || httpStatus === 401) return { kind: 'auth' };
  if (code === CloudErrorCode.reEngagement) return { kind: 'window' };
  if (code === CloudErrorCode.undeliverable) return { kind: 'not_on_whatsapp' };
  if (code !== undefined && THROTTLE_CODES.has(code)) return { kind: 'throttled' };
  if (code === CloudErrorCode.pairRateLimit) return { kind: 'pair_rate' };
  if (httpStatus === 429) return { kind: 'throttled' };
  // No answer at all, a 5xx without a code, or one of Meta's "try again later" codes.
  if (code === undefined && (httpStatus === undefined || httpStatus >= 500)) return { kind: 'transient' };
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { kind: 'transient' };
  return { kind: 'permanent' };
}

/** The detail stored with a failed reply: the code and Meta's title, never content. */
export function failureDetail(code: number | undefined, title: string, httpStatus?: number): string {
  const what = code !== undefined ? `whatsapp cloud error ${code}` : `whatsapp cloud http ${httpStatus ?? 'network error'}`;
  return `${what}: ${title || 'no description'}`.slice(0, 300);
}

/** The SendResult of a failure that is not handled inside the adapter (auth and window are). */
export function toSendResult(kind: CloudFailureKind, detail: string, retryAfterMs: number): Exclude<SendResult, { ok: true }> {
  switch (kind.kind) {
    case 'not_on_whatsapp':
      return { ok: false, kind: 'permanent', reason: 'not_found', detail };
    case 'throttled':
    case 'auth':
      return { ok: false, kind: 'retry_after', retryAfterMs, detail };
    case 'pair_rate':
    case 'transient':
    case 'window':
      return { ok: false, kind: 'transient', detail };
    case 'permanent':
      return { ok: false, kind: 'permanent', reason: 'forbidden', detail };
  }
}
