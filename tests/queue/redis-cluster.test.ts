import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type RedisTopology } from '../../src/config/index.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { Mailboxes, redisConnection } from '../../src/queue/index.js';
import { ask, startCluster } from '../support/redis-topology.js';
import { uniquePrefix } from '../support/system.js';
import { bullmqRoundTrip, liveBusRoundTrip, patientIsGreeted } from '../support/topology-checks.js';

const item = (n: number): MailboxItem => ({
  type: 'message',
  message: { channel: 'fake', channelMessageId: `m${n}`, channelUserId: 'c1', sentAt: n, content: { kind: 'text', text: `hello ${n}` } },
  enqueuedAt: n,
});

/**
 * Redis as a Cluster of three masters (issue 15). tracebot is given some nodes and a prefix with a {hash tag}, so every key
 * of the deployment shares one slot and the multi-key scripts (BullMQ's and the mailboxes') run as on one server.
 */
describe('Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let nodes: string;
  const topologyFor = (prefix: string) => parseConfig({ REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: prefix }).redisTopology!;
  /** How many keys under `prefix` each node holds. */
  const keysPerNode = async (prefix: string) => Promise.all(cluster.ports.map(async (p) => (await ask<string[]>(p, 'KEYS', `${prefix}*`)).length));

  beforeAll(async () => {
    cluster = await startCluster();
    nodes = cluster.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('refuses a REDIS_PREFIX without a {hash tag}, and says why', () => {
    expect(() => parseConfig({ REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: 'tracebot' })).toThrow(ConfigError);
    expect(() => parseConfig({ REDIS_CLUSTER_NODES: nodes })).toThrow(/REDIS_PREFIX: with REDIS_CLUSTER_NODES it must contain a \{hash tag\}, e\.g\. \{tracebot\}/);
  });

  it('keeps the mailbox order through enqueue, take and commit, all in one slot', async () => {
    const prefix = `{${uniquePrefix('cluster-mb')}}`;
    const topology: RedisTopology = topologyFor(prefix);
    expect(topology).toMatchObject({ kind: 'cluster', nodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) });
    const redis = redisConnection(topology, { enableAutoPipelining: true });
    const queue = new Queue('mailbox-drains', { connection: redis, prefix });
    try {
      const mailboxes = new Mailboxes({ redis, prefix, queue });
      expect(await mailboxes.enqueue('c1', item(1), 'fake:m1')).toBe('queued');
      expect(await mailboxes.enqueue('c1', item(2), 'fake:m2')).toBe('queued');
      expect(await mailboxes.enqueue('c1', item(1), 'fake:m1')).toBe('duplicate');
      expect(await queue.getWaitingCount()).toBeGreaterThan(0);
      const taken = await mailboxes.take('drain-1');
      expect(taken.map((t) => ({ key: t.key, items: t.items.map((i) => (JSON.parse(i) as MailboxItem).enqueuedAt) }))).toEqual([{ key: 'c1', items: [1, 2] }]);
      expect(await mailboxes.commit([{ key: 'c1', handled: taken[0]!.items }], 'drain-1')).toEqual(['finished']);
      expect(await mailboxes.length('c1')).toBe(0);
      // One node holds every key of the deployment: the others none.
      const perNode = await keysPerNode(prefix);
      expect(perNode.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('needs the hash tag: without it Redis refuses the mailbox script (its keys are in several slots)', async () => {
    const redis = redisConnection({ kind: 'cluster', nodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) });
    const prefix = uniquePrefix('cluster-no-tag');
    const queue = new Queue('mailbox-drains', { connection: redis, prefix: `{${prefix}}` });
    try {
      await expect(new Mailboxes({ redis, prefix, queue }).enqueue('c1', item(1))).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('runs a BullMQ job and carries a live event on connections built from REDIS_CLUSTER_NODES', async () => {
    const prefix = `{${uniquePrefix('cluster-q')}}`;
    const topology = topologyFor(prefix);
    expect(await bullmqRoundTrip(topology, prefix)).toEqual({ doubled: 42 });
    expect(await liveBusRoundTrip(topology, prefix)).toMatchObject({ type: 'message.created', conversationId: 7 });
  });

  it('greets a patient on a whole tracebot configured with the cluster nodes alone', async () => {
    const prefix = `{${uniquePrefix('cluster-sys')}}`;
    expect(await patientIsGreeted({ REDIS_CLUSTER_NODES: nodes, REDIS_PREFIX: prefix })).not.toBe('');
    expect((await keysPerNode(prefix)).filter((n) => n > 0)).toHaveLength(1);
  }, 60_000);
});
