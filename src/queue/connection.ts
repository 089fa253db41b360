import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/index.js';

// Keep reconnecting while Redis restarts or fails over; BullMQ resumes on the same connection.
const backoff = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), 5000);

/** Options ioredis takes on the Cluster object itself; everything else is per node (`redisOptions`). */
const CLUSTER_LEVEL = ['enableAutoPipelining', 'enableReadyCheck', 'enableOfflineQueue', 'lazyConnect', 'scripts'] as const;

/**
 * The one place tracebot opens a Redis connection (issue 15): to a URL, to the primary a Sentinel names (following it on
 * failover), or to a Cluster. `extra` is the caller's per-connection options; they apply whatever the target.
 *
 * Typed as a Redis: a Cluster speaks the same commands, pipelines and defineCommand, and BullMQ recognises it itself.
 * Under a Cluster every multi-key call must stay in one hash slot, which the {hash tag} config demands of REDIS_PREFIX.
 */
export function redisConnection(target: RedisTarget, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: backoff, ...extra };
  if (typeof target === 'string') return new Redis(target, options);
  if (target.kind === 'sentinel') {
    return new Redis({
      ...options,
      sentinels: target.sentinels,
      name: target.name,
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
      ...(target.password ? { password: target.password } : {}),
      // While no sentinel answers: keep asking, as a single server's connection keeps reconnecting.
      sentinelRetryStrategy: backoff,
    });
  }
  const { retryStrategy, ...rest } = options;
  const nodeOptions: RedisOptions = { ...rest, ...(target.password ? { password: target.password } : {}) };
  // A Cluster reconnects as a whole (clusterRetryStrategy); the per-node retryStrategy would fight it.
  const clusterOptions: ClusterOptions = { clusterRetryStrategy: (times) => (retryStrategy ?? backoff)(times) ?? null };
  for (const key of CLUSTER_LEVEL) {
    if (key in nodeOptions) {
      (clusterOptions as Record<string, unknown>)[key] = nodeOptions[key];
      delete nodeOptions[key];
    }
  }
  return new Cluster(target.nodes, { ...clusterOptions, redisOptions: nodeOptions }) as unknown as Redis;
}
