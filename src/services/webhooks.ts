import { createHmac } from 'node:crypto';

/** One webhook delivery: an event POSTed to one receiver. `deliveryId` is the same on every retry. */
export interface WebhookDelivery {
  deliveryId: string;
  url: string;
  event: string;
  data: Record<string, unknown>;
  /** Epoch ms the event happened. */
  at: number;
}

/** The events integrations can subscribe to. */
export const PUBLIC_EVENTS = new Set([
  'interview.completed',
  'contact.elicited',
  'escalation.created',
  // Following contacts (issue 16): ids and dates only.
  'contact.notified',
  'contact.symptomatic',
  'contact.released',
  'contact.became_case',
]);

/** A webhook receiver answered with an error or could not be reached; the queue retries with backoff. */
export class WebhookDeliveryError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | null,
    cause?: unknown,
  ) {
    super(`webhook POST to ${new URL(url).host} failed${status ? ` with HTTP ${status}` : ''}`, { cause });
    this.name = 'WebhookDeliveryError';
  }
}

/** `sha256=<hex>` HMAC of the exact body bytes: receivers recompute it with the shared secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POST one event; throws WebhookDeliveryError on a non-2xx answer or a network error. */
export async function deliverWebhook(job: WebhookDelivery, secret: string | undefined, timeoutMs = 10_000): Promise<void> {
  const body = JSON.stringify({ id: job.deliveryId, event: job.event, occurred_at: new Date(job.at).toISOString(), data: job.data });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-tracebot-event': job.event,
    'x-tracebot-delivery': job.deliveryId,
  };
  if (secret) headers['x-tracebot-signature'] = signBody(secret, body);
  let res: Response;
  try {
    res = await fetch(job.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new WebhookDeliveryError(job.url, null, error);
  }
  if (!res.ok) throw new WebhookDeliveryError(job.url, res.status);
}
