import type { Queue } from 'bullmq';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { SharedWindowStore } from '../../src/channels/whatsapp-cloud/index.js';
import { createRedisCoordination, createSubjectJobStore, redisConnection } from '../../src/queue/index.js';
import { confirmErasure, exportSubject, holdsPersonalData, jobRefsOf, requestErasure } from '../../src/services/privacy/index.js';
import { INTERVIEW_SCRIPT, converse, expectedChat } from '../support/pipeline-script.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/pipeline-webhook-receiver.js';
import { heldRepliesForgetter } from '../../src/system.js';
import { eventually, SCRIPTED, startTestSystem, uniquePrefix } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const SECRET = 'webhook-secret-for-tests-0123456789';
const STATES = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed'] as const;

/** Every job Redis holds in these queues, in any state, with its data as stored. */
async function everyJob(queues: Queue[]): Promise<{ queue: string; id: string; data: string }[]> {
  const out: { queue: string; id: string; data: string }[] = [];
  for (const q of queues) for (const job of await q.getJobs([...STATES], 0, 10_000)) if (job) out.push({ queue: q.name, id: String(job.id), data: JSON.stringify(job.data) });
  return out;
}

describe('personal data in Redis job payloads', () => {
  let sys: Sys | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await sys?.stop();
    await receiver?.close();
    sys = undefined;
    receiver = undefined;
  });

  it('jobs carry ids, webhooks still send the contact, and erasing the person removes their jobs from the queues', async () => {
    // The integration is down: webhook jobs stay in Redis, retrying, as they would during an outage.
    receiver = await startWebhookReceiver(SECRET, 1_000);
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels', WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET }, SCRIPTED);
    const s = sys;
    // The worker runs the daily retention job by itself: its row was created due now and claimed at start.
    const retention = await eventually(() => s.stores.privacy.scheduledJob('retention') ?? undefined, 'the retention job row');
    expect(retention.lastRunAt).not.toBeNull();
    expect(retention.dueAt).toBeGreaterThan(retention.lastRunAt!);
    const queues = () => [...s.pipeline.queues(), s.outreach.queue];
    const phone = s.fakePlatform!;
    // Through the first contact ("Budi Santoso", named in the patient's words) and their last contact date.
    const script = [...INTERVIEW_SCRIPT, 'kemarin', 'tidak'];
    await converse(phone, 'private', script, expectedChat(s.flows.latest('case-interview')!.flow, script));
    const bystander = ['halo'];
    await converse(phone, 'bystander', bystander, expectedChat(s.flows.latest('case-interview')!.flow, bystander));

    // The webhook is sent with the contact, read from SQLite at send time.
    const hit = await eventually(() => receiver!.hits.find((h) => h.event === 'contact.elicited'), 'a contact.elicited delivery attempt', 20_000);
    expect(hit.body.data.item).toMatchObject({ name: 'Budi Santoso' });
    const outbox = s.db.$client.prepare(`SELECT id FROM outbox WHERE kind = 'event' AND payload LIKE '%contact.elicited%'`).get() as { id: number };
    await eventually(async () => ((await s.pipeline.webhooks.getJob(`wh-${outbox.id}-0`)) ? true : undefined), 'the webhook job');

    // Redis holds jobs for the chat (sends, events, webhooks), and none of them carries the name or the words.
    const jobs = await everyJob(queues());
    for (const queue of ['events', 'webhooks', 'outbound-fake']) expect(jobs.some((j) => j.queue === queue), queue).toBe(true);
    for (const j of jobs) {
      expect(j.data, `${j.queue} ${j.id}`).not.toContain('Budi Santoso');
      expect(j.data, `${j.queue} ${j.id}`).not.toContain('kantor');
      expect(j.data, `${j.queue} ${j.id}`).not.toMatch(/"(data|item|answers|text)"/);
    }

    // The chat turns out to be a known case's; a tracer resolved it. The person asks to be erased.
    const now = Date.now();
    const caseId = (
      s.db.$client.prepare(`INSERT INTO cases (external_id, name, phone, confirmed_at) VALUES ('PRIV-1', 'Siti Aminah', '+6281234500001', ?) RETURNING id`).get(now) as { id: number }
    ).id;
    s.db.$client.prepare(`UPDATE conversations SET case_id = ?, owner = 'closed' WHERE channel = 'fake' AND channel_user_id = 'private'`).run(caseId);
    const subject = { kind: 'phone' as const, phone: '+6281234500001' };
    const store = createSubjectJobStore(queues);
    const refs = jobRefsOf(s.stores, subject, now);
    const theirs = await store.find(refs);
    expect(theirs.map((j) => j.queue)).toEqual(expect.arrayContaining(['events', 'webhooks', 'outbound-fake']));
    const othersBefore = (await everyJob(queues())).length - theirs.length;

    const requested = requestErasure(s.stores, subject, { userId: 1 }, now);
    if (!requested.ok) throw new Error(requested.reason);
    const done = await confirmErasure(s.stores, store, { requestId: requested.requestId, subject, actor: { userId: 1 }, now });
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(done.jobs.removed + done.jobs.busy).toBe(theirs.length);

    // Proven from what Redis and SQLite hold now: no job of the person is left, other chats' jobs are, and the export is empty.
    await eventually(async () => ((await store.find(refs)).length === 0 ? true : undefined), 'the person’s jobs gone (a running one finishes first)');
    expect(await s.pipeline.webhooks.getJob(`wh-${outbox.id}-0`)).toBeUndefined();
    expect((await everyJob(queues())).length).toBeGreaterThanOrEqual(othersBefore);
    const bystanderId = (s.db.$client.prepare(`SELECT id FROM conversations WHERE channel_user_id = 'bystander'`).get() as { id: number }).id;
    expect((await everyJob(queues())).some((j) => (JSON.parse(j.data) as { conversationId?: number }).conversationId === bystanderId)).toBe(true);
    expect(holdsPersonalData(exportSubject(s.stores, subject, now))).toBe(false);
    expect(s.db.$client.prepare(`SELECT count(*) AS n FROM outbox WHERE conversation_id IN (SELECT id FROM conversations WHERE case_id = ?)`).get(caseId)).toEqual({ n: 0 });
  }, 90_000);

  it('erasure drops the replies the WhatsApp Business Platform channel holds for the chat', async () => {
    const redis = redisConnection(inject('redisUrl'));
    try {
      const coordination = createRedisCoordination(redis, `${uniquePrefix('held')}:`);
      const window = new SharedWindowStore(coordination);
      await window.hold('6281234500002', { id: 'm1', channelUserId: '6281234500002', text: 'Hasil tes Anda positif' });
      await window.hold('6281234500003', { id: 'm2', channelUserId: '6281234500003', text: 'someone else' });
      const store = createSubjectJobStore(() => [], { forgetChat: heldRepliesForgetter(coordination) });
      await store.remove({ conversationIds: [], caseIds: [], outboxIds: [], chatKeys: ['whatsapp:6281234500002'], strings: [] });
      expect(await window.hasHeld('6281234500002')).toBe(false);
      expect(await window.hasHeld('6281234500003')).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
