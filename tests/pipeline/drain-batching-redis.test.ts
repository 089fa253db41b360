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
});
