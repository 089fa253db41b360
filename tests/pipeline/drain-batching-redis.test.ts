import { afterEach, describe, expect, inject, it } from 'vitest';
import { QueueNames } from '../../src/queue/names.js';
import { expectedChat } from '../support/pipeline-script.js';
import { SCRIPTED, eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** Drain jobs completed so far (the pipeline counts every job its workers finish). */
async function drainJobs(sys: Sys): Promise<number> {
  const values = (await sys.metrics.jobsProcessed.get()).values;
  return values.filter((v) => v.labels.queue === QueueNames.mailboxDrains).reduce((n, v) => n + v.value, 0);
}

describe('drains take many ready chats at once (real Redis and SQLite)', () => {
  let sys: Sys | undefined;
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
  });

  it('answers 150 chats that write at the same moment with far fewer drain jobs than chats, each chat its own greeting', async () => {
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels' }, SCRIPTED);
    const phone = sys.fakePlatform!;
    const want = expectedChat(sys.flows.latest('case-interview')!.flow, ['halo']).textsAfter[0]!;
    const users = Array.from({ length: 150 }, (_, i) => `many-${i}`);
    for (const u of users) phone.patientSends(u, { kind: 'text', text: 'halo' });
    await eventually(() => (users.every((u) => phone.inbox(u).length >= want.length) ? true : undefined), 'a greeting in every chat', 30_000);
    const jobs = await drainJobs(sys);
    // One job per chat was the old cost; a drain job now takes up to 32 ready chats (a few more for chats that turned ready
    // while the first jobs were running).
    expect(jobs).toBeGreaterThan(0);
    expect(jobs).toBeLessThan(users.length / 3);
    for (const u of users) expect(phone.inbox(u).map((m) => m.text), u).toEqual(want);
    const conversations = sys.db.$client.prepare(`SELECT count(DISTINCT channel_user_id) AS n FROM conversations`).get() as { n: number };
    expect(conversations.n).toBe(users.length);
    console.info(`drain batching: ${users.length} chats answered with ${jobs} drain jobs`);
  });

  it('recovers when waiting drain jobs were removed by hand (their places are given back by the sweeper)', async () => {
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels' }, { ...SCRIPTED, sweepEveryMs: 200 });
    const phone = sys.fakePlatform!;
    // As if 50 drain jobs had been added and then deleted from the queue before they started.
    await sys.redis.set(`${sys.config.REDIS_PREFIX}:mb:tickets`, '50');
    const want = expectedChat(sys.flows.latest('case-interview')!.flow, ['halo']).textsAfter[0]!;
    const users = Array.from({ length: 40 }, (_, i) => `leak-${i}`);
    for (const u of users) phone.patientSends(u, { kind: 'text', text: 'halo' });
    await eventually(() => (users.every((u) => phone.inbox(u).length >= want.length) ? true : undefined), 'a greeting in every chat', 20_000);
    for (const u of users) expect(phone.inbox(u).map((m) => m.text), u).toEqual(want);
    // The count is back to the jobs really waiting (at most the 4 places), so enqueueing adds drain jobs again.
    const tickets = async () => Number((await sys!.redis.get(`${sys!.config.REDIS_PREFIX}:mb:tickets`)) ?? 0);
    await eventually(async () => ((await tickets()) <= 4 ? true : undefined), 'the places of the removed jobs given back', 5000);
    const late = 'leak-late';
    phone.patientSends(late, { kind: 'text', text: 'halo' });
    await eventually(() => (phone.inbox(late).length >= want.length ? true : undefined), 'a greeting for a chat that writes afterwards', 5000);
  });
});
