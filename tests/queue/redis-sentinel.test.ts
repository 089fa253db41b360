import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type RedisTopology } from '../../src/config/index.js';
import { redisConnection } from '../../src/queue/index.js';
import { RedisUnavailableError } from '../../src/runtime/index.js';
import { freePort } from '../../src/runtime/tcp-ports.js';
import { ask, startSentinelGroup } from '../support/redis-topology.js';
import { startTestSystem, uniquePrefix } from '../support/system.js';
import { bullmqRoundTrip, liveBusRoundTrip, patientIsGreeted } from '../support/topology-checks.js';

/**
 * Redis as a Sentinel-managed primary (issue 15): a real primary, a replica and one sentinel (quorum 1, down after 1 s).
 * tracebot is given only the sentinel and the primary's name.
 */
describe('Redis behind Sentinel', () => {
  let group: Awaited<ReturnType<typeof startSentinelGroup>>;
  let env: Record<string, string>;
  let topology: RedisTopology;

  beforeAll(async () => {
    group = await startSentinelGroup({ name: 'tb', replica: true });
    env = { REDIS_SENTINELS: `127.0.0.1:${group.sentinel.port}`, REDIS_SENTINEL_NAME: 'tb' };
    topology = parseConfig(env).redisTopology!;
  }, 60_000);
  afterAll(async () => {
    await group?.stop();
  });

  it('runs a BullMQ job and carries a live event through connections built from REDIS_SENTINELS', async () => {
    expect(topology).toEqual({ kind: 'sentinel', sentinels: [{ host: '127.0.0.1', port: group.sentinel.port }], name: 'tb' });
    const prefix = uniquePrefix('sentinel');
    expect(await bullmqRoundTrip(topology, prefix)).toEqual({ doubled: 42 });
    expect(await liveBusRoundTrip(topology, prefix)).toMatchObject({ type: 'message.created', conversationId: 7 });
    // The keys are on the primary the sentinel named, not somewhere else.
    expect(await ask<string[]>(group.primary.port, 'KEYS', `${prefix}:*`)).not.toEqual([]);
  });

  it('greets a patient on a whole tracebot configured with the sentinel alone', async () => {
    const prefix = uniquePrefix('sentinel-sys');
    expect(await patientIsGreeted({ ...env, REDIS_PREFIX: prefix })).not.toBe('');
    expect(await ask<string[]>(group.primary.port, 'KEYS', `${prefix}:*`)).not.toEqual([]);
  }, 60_000);

  it('at start, waits REDIS_WAIT_SECONDS for sentinels that do not answer and names them, starting no Redis of its own', async () => {
    const nobody = await freePort();
    const started = startTestSystem('', { ROLES: 'worker', REDIS_SENTINELS: `127.0.0.1:${nobody}`, REDIS_SENTINEL_NAME: 'tb', REDIS_WAIT_SECONDS: '1' });
    await expect(started).rejects.toThrow(RedisUnavailableError);
    await expect(started).rejects.toThrow(`Redis at the primary 'tb' of the sentinels 127.0.0.1:${nobody} did not answer within 1 s. Start it, or fix REDIS_SENTINELS and REDIS_SENTINEL_NAME.`);
  });

  // Last: it leaves the replica as the primary. (A switch-over with the old primary alive was tried too and passed, since
  // Sentinel kills the old primary's clients as it demotes it; it took 12 s of test time, so it is not kept.)
  it('writes again on the promoted replica after the primary dies', async () => {
    const redis = redisConnection(topology);
    redis.on('error', () => undefined);
    try {
      await redis.set('failover-check', 'before');
      await group.primary.stop('SIGKILL');
      const killed = Date.now();
      // Queued while there is no primary (maxRetriesPerRequest: null), sent once the sentinel names the new one.
      await redis.set('failover-check', 'after');
      const ms = Date.now() - killed;
      expect(await ask<string>(group.replica!.port, 'GET', 'failover-check')).toBe('after');
      expect(await ask<string>(group.replica!.port, 'INFO', 'replication')).toContain('role:master');
      console.info(`sentinel: a write issued as the primary died went through on the promoted replica after ${ms} ms`);
    } finally {
      redis.disconnect();
    }
  }, 30_000);
});
