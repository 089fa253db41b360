import type { Coordination } from '../../domain/coordination.js';
import { z } from 'zod';

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
  const raw = await coordination.value(linkStateName(session)).get();
  if (raw === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = LinkState.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
