import { describe, expect, it } from 'vitest';
import { chatKey } from '../../src/queue/jobs.js';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord } from '../support/pipeline-queries.js';
import { INTERVIEW_SCRIPT, converse, expectedChat, sleep } from '../support/pipeline-script.js';
import { ownRedisSystems } from '../support/own-redis-system.js';
import { SCRIPTED, eventually } from '../support/system.js';

describe('Redis restarting under a running system (append-only, fsync always)', () => {
  const start = ownRedisSystems();

  it('processes what was queued before a crash of Redis, and recovers without restarting the process', async () => {
    const { redis, sys } = await start(true, { ROLES: 'worker,channels' }, SCRIPTED);
    const phone = sys.fakePlatform!;
    const script = INTERVIEW_SCRIPT.slice(0, 6);
    const expected = expectedChat(sys.flows.latest('case-interview')!.flow, script);
    const users = Array.from({ length: 15 }, (_, i) => `rr-${i}`);
    const reply = (u: string, n: number) => eventually(() => (phone.inbox(u).length >= expected.textsAfter[n]!.length ? true : undefined), `${u}: reply ${n + 1}`, 20_000);

    await Promise.all(users.map((u) => converse(phone, u, script.slice(0, 1), expected)));

    // Work queued but not yet taken: hold the drains, queue one answer per chat, then kill Redis outright.
    await sys.pipeline.mailboxDrains.pause();
    for (const u of users) phone.patientSends(u, { kind: 'text', text: script[1]! });
    for (const u of users) await eventually(async () => ((await sys!.pipeline.mailboxes.length(chatKey('fake', u))) === 1 ? true : undefined), `${u} queued`);
    await redis.stop('SIGKILL');
    await sleep(300);
    await redis.restart();
    for (const u of users) expect(await sys.pipeline.mailboxes.length(chatKey('fake', u)), u).toBe(1);
    await sys.pipeline.mailboxDrains.resume();
    await Promise.all(users.map((u) => reply(u, 1)));

    // And again with traffic flowing, a clean stop this time: patients keep answering while Redis is away.
    const rest = Promise.all(
      users.map((u) => converse(phone, u, script.slice(2), { ...expected, textsAfter: expected.textsAfter.slice(2) }, { thinkMs: () => 50 + Math.random() * 100, replyTimeoutMs: 30_000 })),
    );
    await sleep(150);
    const downAt = Date.now();
    await redis.stop('SIGTERM');
    await sleep(500);
    await redis.restart();
    await rest;
    const recoveredIn = Date.now() - downAt;
    // A reply doubled by a re-sent Redis command would come after the expected ones: judge once every chat is idle.
    for (const u of users) await chatIdle(sys, u);

    const want = expected.textsAfter.at(-1)!;
    for (const u of users) {
      expect(phone.inbox(u).map((d) => d.text), u).toEqual(want);
      const rec = chatRecord(sys.db, u);
      expect(rec.inboundIds, u).toHaveLength(script.length);
      expect(rec.outbound.map((m) => m.text), u).toEqual(want);
      expect(rec.outbound.every((m) => m.status === 'sent'), u).toBe(true);
    }
    expect(await sys.pipeline.mailboxes.deadLetters()).toEqual([]);
    console.info(`redis restart: ${users.length} interviews finished ${recoveredIn} ms after Redis went away mid-traffic`);
  }, 90_000);
});
