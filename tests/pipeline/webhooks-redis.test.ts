import { afterEach, describe, expect, inject, it } from 'vitest';
import { PUBLIC_EVENTS } from '../../src/services/webhooks.js';
import { INTERVIEW_SCRIPT, converse, expectedChat } from '../support/pipeline-script.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/pipeline-webhook-receiver.js';
import { eventually, SCRIPTED, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const SECRET = 'webhook-secret-for-tests-0123456789';

describe('signed webhooks to an integration that fails twice before it succeeds', () => {
  let sys: Sys | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await sys?.stop();
    await receiver?.close();
    sys = undefined;
    receiver = undefined;
  });

  it('delivers each event once as a success, signed with HMAC-SHA256, after retrying with backoff', async () => {
    receiver = await startWebhookReceiver(SECRET, 2);
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels', WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET }, SCRIPTED);
    const phone = sys.fakePlatform!;
    // Through the first contact (contact.elicited), then the patient asks for a person (escalation.created).
    const script = [...INTERVIEW_SCRIPT, 'kemarin', 'tidak', 'petugas'];
    await converse(phone, 'hooked', script, expectedChat(sys.flows.latest('case-interview')!.flow, script));

    const events = (sys.db.$client.prepare(`SELECT id, payload FROM outbox WHERE kind = 'event' ORDER BY id`).all() as { id: number; payload: string }[])
      .map((r) => ({ outboxId: r.id, ...(JSON.parse(r.payload) as { event: string; data: Record<string, unknown> }) }))
      .filter((e) => PUBLIC_EVENTS.has(e.event));
    expect(events.map((e) => e.event)).toEqual(['contact.elicited', 'escalation.created']);

    const successes = () => receiver!.hits.filter((h) => h.status === 200);
    await eventually(() => (successes().length >= events.length ? true : undefined), 'every event delivered', 20_000);
    // No retry can still come: every event and webhook job has finished (a job completes only after its 200 was received).
    await eventually(async () => {
      const queues = [sys!.pipeline.events, sys!.pipeline.webhooks];
      const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')));
      return counts.every((c) => Object.values(c).every((n) => n === 0)) ? true : undefined;
    }, 'the events and webhooks queues to finish');

    const hits = receiver.hits;
    expect(hits.every((h) => h.signatureValid)).toBe(true);
    for (const e of events) {
      const mine = hits.filter((h) => h.body.data.conversationId === e.data.conversationId && h.event === e.event);
      // Two failures, then exactly one success; every attempt carried the same delivery id and body.
      expect(mine.map((h) => h.status), e.event).toEqual([500, 500, 200]);
      expect(new Set(mine.map((h) => h.deliveryId)).size, e.event).toBe(1);
      expect(mine[2]!.body.event).toBe(e.event);
      expect(mine[2]!.body.data).toEqual(e.data);
    }
    expect(successes()).toHaveLength(events.length);
    const contact = successes().find((h) => h.event === 'contact.elicited')!.body.data;
    expect(contact.item).toMatchObject({ name: 'Budi Santoso', setting: 'workplace' });
  }, 60_000);
});
