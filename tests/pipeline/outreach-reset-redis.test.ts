import { describe, expect, it } from 'vitest';
import { count } from '../support/pipeline-queries.js';
import { ownRedisSystems } from '../support/own-redis-system.js';
import { eventually } from '../support/system.js';

// Issue 12: an outreach ask is stored on the case (SQLite) before its job goes to Redis, so a Redis that comes back EMPTY
// before the job ran does not leave the case `new` for ever: the ask's job is added again, under the same id.
describe('outreach asked for just before Redis comes back empty', () => {
  const start = ownRedisSystems();

  it('still writes first to every case, once', async () => {
    const { redis, sys } = await start(false, { ROLES: 'worker,channels', OUTREACH_CHANNEL: 'fake' }, { outreach: { resumeEveryMs: 200, resumeAfterMs: 0 } });
    const s = sys;
    const phones = ['+6281200000001', '+6281200000002', '+6281200000003'];
    const ids = phones.map(
      (phone, i) =>
        (s.db.$client.prepare(`INSERT INTO cases (external_id, name, phone, date_of_birth, confirmed_at) VALUES (?, ?, ?, '1990-03-14', ?) RETURNING id`).get(`RESET-${i}`, `Sri Lestari ${i}`, phone, Date.now()) as { id: number }).id,
    );
    // The jobs wait in Redis (the queue is paused), then Redis dies and comes back with nothing in it.
    await s.outreach.queue.pause();
    await s.outreach.request(ids);
    expect(await s.outreach.queue.getJobCounts('waiting')).toEqual({ waiting: 3 });
    await redis.stop('SIGKILL');
    await redis.restart();

    for (const phone of phones) await eventually(() => (s.fakePlatform!.inbox(phone).length > 0 ? true : undefined), `first message to ${phone}`, 30_000);
    // Nothing is left to ask again, the three re-added jobs are the only ones, and each case got one chat and one first message.
    expect(await s.outreach.resume()).toBe(0);
    await eventually(async () => ((await s.outreach.queue.getJobCounts('completed')).completed === 3 ? true : undefined), 'three outreach jobs done');
    expect(await s.outreach.queue.getJobCounts('waiting', 'delayed', 'active', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, failed: 0 });
    for (const phone of phones) {
      expect(count(s.db, `SELECT count(*) AS n FROM conversations WHERE channel = 'fake' AND channel_user_id = ?`, phone), phone).toBe(1);
      expect(s.fakePlatform!.inbox(phone).map((d) => d.text).filter((t) => t.includes('Sri'))).toHaveLength(1);
    }
    expect(count(s.db, `SELECT count(*) AS n FROM cases WHERE status = 'new'`)).toBe(0);
  }, 90_000);
});
