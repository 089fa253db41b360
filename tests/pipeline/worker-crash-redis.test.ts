import { afterEach, describe, expect, inject, it } from 'vitest';
import { chatIdle } from '../support/pipeline-idle.js';
import { chatRecord, count } from '../support/pipeline-queries.js';
import { VERIFIED_SCRIPT, converse, expectedVerifiedChat, seedVerifiableCase, sleep } from '../support/pipeline-script.js';
import { spawnWorker, workerEnvFor, type WorkerProcess } from '../support/pipeline-worker.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('a worker process killed with SIGKILL in the middle of conversations', () => {
  let sys: Sys | undefined;
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.kill('SIGTERM');
    await sys?.stop();
    sys = undefined;
  });

  it('loses no patient message and sends no reply twice once another worker takes over', async () => {
    const redisUrl = inject('redisUrl');
    // This process is the `channels` role (the fake platform lives here); the engine runs in separate worker processes.
    sys = await startTestSystem(redisUrl, { ROLES: 'channels' });
    const phone = sys.fakePlatform!;
    const workerEnv = workerEnvFor(sys, redisUrl);
    const first = await spawnWorker(workerEnv);
    workers.push(first);

    // Every chat proves who it is first (the identity check), as on a running tracebot.
    seedVerifiableCase(sys.db);
    const script = VERIFIED_SCRIPT.slice(0, 10);
    const expected = expectedVerifiedChat(sys.flows.latest('verify-identity')!.flow, sys.flows.latest('case-interview')!.flow, script);
    const users = Array.from({ length: 20 }, (_, i) => `crash-${i}`);
    const total = users.length * script.length;
    const conversations = Promise.all(
      users.map(async (u) => {
        await sleep(Math.random() * 200);
        return converse(phone, u, script, expected, { thinkMs: () => 30 + Math.random() * 120, replyTimeoutMs: 60_000 });
      }),
    );

    // Kill the worker once about a third of the messages are handled: it is busy with several chats at that moment.
    await eventually(() => (count(sys!.db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`) >= total / 3 ? true : undefined), 'a third of the messages', 30_000);
    // Aim the kill at a moment a drain holds a chat's lock, i.e. is between taking items and committing them.
    const locks = `${sys.config.REDIS_PREFIX}:mb:lock:*`;
    await eventually(async () => ((await sys!.redis.keys(locks)).length ? true : undefined), 'a drain in progress', 5000).catch(() => undefined);
    await first.kill('SIGKILL');
    const killedAt = Date.now();
    const handledAtKill = count(sys.db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`);
    const orphanedLocks = (await sys.redis.keys(locks)).length;
    workers.push(await spawnWorker(workerEnv));

    const phones = await conversations;
    const recoveredIn = Date.now() - killedAt;
    // A duplicate reply would come after the expected ones: judge once the pipeline is done with every chat.
    for (const u of users) await chatIdle(sys, u);

    const want = expected.textsAfter.at(-1)!;
    for (const [i, u] of users.entries()) {
      // Every message got its answer, and nothing arrived twice.
      expect(phones[i], u).toEqual(want);
      expect(phone.inbox(u).map((d) => d.text), u).toEqual(want);
      const rec = chatRecord(sys.db, u);
      expect(rec.inboundIds, u).toHaveLength(script.length);
      expect(new Set(rec.inboundIds).size, u).toBe(script.length);
      // Each turn ran once: exactly the replies a sequential replay produces, all sent.
      expect(rec.outbound.map((m) => m.text), u).toEqual(want);
      expect(rec.outbound.every((m) => m.status === 'sent'), u).toBe(true);
    }
    expect(count(sys.db, `SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL`)).toBe(0);
    expect(handledAtKill).toBeLessThan(total);
    console.info(
      `worker crash: killed after ${handledAtKill}/${total} messages with ${orphanedLocks} drain(s) cut short; all ${users.length} interviews finished ${recoveredIn} ms later`,
    );
  }, 120_000);
});
