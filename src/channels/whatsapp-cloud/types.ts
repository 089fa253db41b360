import type { Channel } from '../../domain/channel.js';
import type { LogSink } from '../../domain/log-event.js';
import type { DeliveryStatusEvent } from './inbound.js';
import type { TemplateSettings } from './outbound.js';
import type { WindowStore } from './window-store.js';

/** Where the adapter logs (a pino Logger fits); every line goes through `logEvent`: ids and codes only. */
export type CloudLogger = LogSink;

/** Everything the Cloud API adapter needs; time, fetch and the window store are injectable for tests. */
export interface WhatsAppCloudChannelOptions {
  /** System-user access token. Never logged. */
  token: string;
  phoneNumberId: string;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret: string;
  /** What we told Meta to send in the subscription check. */
  verifyToken: string;
  /** Graph API root with a pinned version, e.g. https://graph.facebook.com/v25.0. */
  apiRoot: string;
  /** The approved template that reopens a conversation outside the 24-hour window. */
  template: TemplateSettings;
  logger: CloudLogger;
  /** Window and held-reply memory; default in-process memory. */
  store?: WindowStore;
  /** Delivery receipts (sent / delivered / read / failed) of our messages, and held replies once they went out. */
  onStatus?: (event: DeliveryStatusEvent) => void | Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
  /** Per Graph API request. Default 15 s. */
  requestTimeoutMs?: number;
  /** Backoff after throughput errors (130429, 4, 80007, HTTP 429), doubling per consecutive hit. Default 1 s … 60 s. */
  throttle?: { minMs: number; maxMs: number };
  /** While the token is rejected, how long the outbound queue pauses between probes. Default 60 s. */
  degradedRetryMs?: number;
}

/** Whether the channel can send. `degraded`: Meta rejects our token; replies stay queued until it is fixed. */
export interface CloudHealth {
  state: 'ok' | 'degraded';
  since?: number;
  code?: number;
}

/** True for the Cloud API adapter (it shares the channel name `whatsapp` with the linked-phone one). */
export function isWhatsAppCloudChannel(c: Channel): c is WhatsAppCloudChannel {
  return c.name === 'whatsapp' && (c as Partial<WhatsAppCloudChannel>).transport === 'cloud';
}

/**
 * The Cloud API adapter: a Channel plus the webhook entry points and health for the web server. It is named `whatsapp`
 * like the linked-phone adapter and uses the same chat ids, so conversations carry over between the two.
 */
export interface WhatsAppCloudChannel extends Channel {
  readonly name: 'whatsapp';
  readonly transport: 'cloud';
  /** One webhook POST: 401 on a bad signature (nothing parsed), 400 on a non-webhook body, 503 before start, 500 when our handler failed (Meta retries), else 200. */
  handleWebhook(headers: Record<string, string | string[] | undefined>, rawBody: Buffer | string): Promise<{ status: number }>;
  /** Meta's GET subscription check. */
  verifySubscription(query: Record<string, unknown>): { status: number; body: string };
  health(): CloudHealth;
  /** The Cloud API cannot look numbers up: every E.164 number "exists"; a send to one not on WhatsApp fails with 131026. */
  checkNumber(phoneE164: string): Promise<{ exists: boolean; jid?: string }>;
  jidForPhone(phoneE164: string): string;
}
