import type { Coordination } from '../../domain/coordination.js';
import { z } from 'zod';

/** Why the last connection attempt failed and when the holder tries again (issue 12: the admin page shows it is retrying). */
export const LinkRetry = z.object({
  /** Failed attempts in a row (1 = the first one failed). */
  failures: z.number().int().positive(),
  /**
   * `refused`: the server answered the WebSocket upgrade with an HTTP error (e.g. 503); `timeout`: the attempt neither opened
   * nor showed a QR code in time; `closed`: the connection closed (baileys' DisconnectReason in `statusCode`); `error`: the
   * socket could not be created.
   */
  reason: z.enum(['refused', 'timeout', 'closed', 'error']),
  /** The HTTP status (refused) or baileys' disconnect code (closed). */
  statusCode: z.number().optional(),
  /** Epoch ms of the next attempt. */
  nextAt: z.number(),
});
export type LinkRetry = z.infer<typeof LinkRetry>;

/** Where the WhatsApp link stands, for the admin page that shows the QR code. */
export const LinkState = z.object({
  status: z.enum(['disconnected', 'connecting', 'qr', 'pairing', 'open', 'logged_out']),
  /** The raw QR payload while waiting for a scan. */
  qr: z.string().optional(),
  /** The same QR as a PNG data URL, ready for an `<img src>`. */
  qrDataUrl: z.string().optional(),
  /** The 8-character code to type on the phone (Linked devices → Link with phone number). */
  pairingCode: z.string().optional(),
  /** Epoch ms of the last change. */
  updatedAt: z.number(),
  /** The linked account's JID once open. */
  me: z.string().optional(),
  /** Set while attempts keep failing (status `disconnected` between attempts, `connecting` during one); cleared once open. */
  retry: LinkRetry.optional(),
});
export type LinkState = z.infer<typeof LinkState>;
export type LinkStatus = LinkState['status'];

/** Exponential reconnect delay: `initialMs · 2^attempt`, capped at `maxMs` (attempt counts from 0). */
export function reconnectDelay(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** The shared-value name under which the socket holder publishes its link state. */
export function linkStateName(session: string): string {
  return `whatsapp:${session}:link`;
}

/** The name of the lease that says which process holds the session's socket. */
export function socketLeaseName(session: string): string {
  return `whatsapp:${session}:lock`;
}

/** The link state the socket holder last published, for a process without the socket (e.g. web only); undefined when none. */
export async function readPublishedLinkState(coordination: Coordination, session: string): Promise<LinkState | undefined> {
  return parseLinkState(await coordination.value(linkStateName(session)).get());
}

/** A published link state from its JSON; undefined when absent or malformed. */
export function parseLinkState(raw: string | null | undefined): LinkState | undefined {
  if (raw === null || raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = LinkState.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
