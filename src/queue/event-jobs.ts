import type { Queue } from 'bullmq';
import type { OutboxRepository } from '../domain/repositories/index.js';
import type { StructuredRecords } from '../services/structured-records.js';
import { PUBLIC_EVENTS, deliverWebhook } from '../services/webhooks.js';
import { EventJob, WebhookJob, eventData } from './jobs.js';

/** What the events and webhooks workers use. */
export interface EventJobDeps {
  outbox: Pick<OutboxRepository, 'payloadOf'>;
  records: StructuredRecords;
  webhooks: Queue;
  webhookUrls: readonly string[];
  webhookSecret?: string;
  clock: () => number;
  /** Following contacts (issue 16): a named contact is enrolled and notified as soon as the registry recorded them. */
  monitoring?: { onEvent(event: string, data: Record<string, unknown>): Promise<void> };
}

/**
 * One events job: apply the event (read from its outbox row) to the structured records, then add one webhook job per
 * receiver. The jobs name the outbox row only (issue 17: no personal data in Redis).
 */
export async function handleEventJob(raw: unknown, d: EventJobDeps): Promise<void> {
  const e = EventJob.parse(raw);
  const data = eventData(d.outbox, e.outboxId);
  // Pruned (a week after dispatch) or erased at a person's request: nothing left to apply or announce.
  if (!data) return;
  d.records.apply(e.event, data, d.clock());
  await d.monitoring?.onEvent(e.event, data);
  if (!PUBLIC_EVENTS.has(e.event) || !d.webhookUrls.length) return;
  await d.webhooks.addBulk(
    d.webhookUrls.map((url, i) => ({
      name: e.event,
      data: { deliveryId: `ev-${e.outboxId}-${i}`, url, outboxId: e.outboxId, event: e.event, at: e.at },
      opts: { jobId: `wh-${e.outboxId}-${i}` },
    })),
  );
}

/** One webhooks job: POST the event with its data as the outbox row holds it now (nothing, once erased). */
export async function handleWebhookJob(raw: unknown, d: Pick<EventJobDeps, 'outbox' | 'webhookSecret'>): Promise<void> {
  const w = WebhookJob.parse(raw);
  const data = eventData(d.outbox, w.outboxId ?? Number(/^ev-(\d+)-/.exec(w.deliveryId)?.[1]));
  if (data) await deliverWebhook({ ...w, data }, d.webhookSecret);
}
