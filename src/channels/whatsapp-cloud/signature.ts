import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs every webhook POST with: `sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

const SHAPE = /^sha256=([0-9a-f]{64})$/i;

/**
 * True when `header` is a valid `X-Hub-Signature-256` for `rawBody` under `appSecret`. Checked on the exact bytes received,
 * before any parsing; the digest comparison is constant-time, and a missing, malformed or truncated header is false.
 */
export function verifySignature(rawBody: Buffer | string, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string') return false;
  const m = SHAPE.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1]!, 'hex');
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The header value Meta would send for `rawBody` (for the fake Graph API and tests). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Answer Meta's subscription check (`GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`): 200 with the challenge
 * echoed when the mode and the verify token match, else 403 with an empty body.
 */
export function answerSubscription(query: Record<string, unknown>, verifyToken: string): { status: number; body: string } {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || !sameText(token, verifyToken)) {
    return { status: 403, body: '' };
  }
  // Meta sends an integer challenge; anything else is not echoed (never reflect arbitrary text into a response).
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) return { status: 400, body: '' };
  return { status: 200, body: challenge };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
