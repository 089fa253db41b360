import { z } from 'zod';

/** One `host:port` of a Sentinel or Cluster node. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * A Redis that is more than one server (issue 15): a primary that Sentinel names and fails over, or a Cluster. ioredis has
 * no URL form for either, so they come from REDIS_SENTINELS / REDIS_CLUSTER_NODES; a single server stays a REDIS_URL.
 */
export type RedisTopology =
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string; sentinelPassword?: string; password?: string }
  | { kind: 'cluster'; nodes: RedisNode[]; password?: string };

/** Where the queues live: a single server's URL, or a Sentinel/Cluster topology. */
export type RedisTarget = string | RedisTopology;

/** `host:port,host:port` (IPv6 hosts in brackets: `[::1]:26379`) into nodes; zod reports the first bad entry. */
export const redisNodeList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'each entry is host:port')
          .transform((s): RedisNode => {
            const at = s.lastIndexOf(':');
            return { host: s.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(s.slice(at + 1)) };
          })
          .refine((n) => n.port >= 1 && n.port <= 65535, 'port must be 1-65535'),
      )
      .min(1),
  );

/**
 * A key prefix, optionally with one `{...}` hash tag. Redis Cluster places a key by its first `{...}` only, so a prefix
 * like `{tracebot}` keeps every key of a deployment in one slot: BullMQ's and our Lua scripts touch several keys per call.
 */
export const redisPrefix = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9_-]*(\{[A-Za-z0-9_-]+\})?[A-Za-z0-9_-]*$/, 'letters, digits, _ and -, with at most one {hash tag}');

/** The settings the topology is made of, as the schema parsed them. */
export interface RedisTopologyEnv {
  REDIS_URL?: string;
  REDIS_PREFIX: string;
  REDIS_SENTINELS?: RedisNode[];
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
  REDIS_CLUSTER_NODES?: RedisNode[];
  REDIS_PASSWORD?: string;
}

/** The topology the environment asks for (undefined: a single server), or the problems with it, all at once. */
export function redisTopologyOf(env: RedisTopologyEnv): { topology?: RedisTopology; problems: string[] } {
  const problems: string[] = [];
  const sentinels = env.REDIS_SENTINELS;
  const cluster = env.REDIS_CLUSTER_NODES;
  if (sentinels && cluster) problems.push('REDIS_SENTINELS and REDIS_CLUSTER_NODES: Redis is either a Sentinel-managed primary or a Cluster; set one');
  if ((sentinels || cluster) && env.REDIS_URL) {
    problems.push(`REDIS_URL: leave it unset with ${sentinels ? 'REDIS_SENTINELS' : 'REDIS_CLUSTER_NODES'} (the nodes come from there; REDIS_PASSWORD gives their password)`);
  }
  if (sentinels && !env.REDIS_SENTINEL_NAME) problems.push("REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the primary's name in `sentinel monitor <name> ...`)");
  if (!sentinels && (env.REDIS_SENTINEL_NAME || env.REDIS_SENTINEL_PASSWORD)) problems.push('REDIS_SENTINEL_NAME/REDIS_SENTINEL_PASSWORD: only used with REDIS_SENTINELS');
  if (!sentinels && !cluster && env.REDIS_PASSWORD) problems.push('REDIS_PASSWORD: only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES; for one server put it in REDIS_URL');
  if (cluster && !/\{[A-Za-z0-9_-]+\}/.test(env.REDIS_PREFIX)) {
    problems.push(
      `REDIS_PREFIX: with REDIS_CLUSTER_NODES it must contain a {hash tag}, e.g. {${env.REDIS_PREFIX}}, so every key of the deployment lands in one hash slot (the queue scripts touch several keys at once)`,
    );
  }
  if (problems.length) return { problems };
  const password = env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {};
  if (sentinels) {
    const sentinelPassword = env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {};
    return { topology: { kind: 'sentinel', sentinels, name: env.REDIS_SENTINEL_NAME!, ...sentinelPassword, ...password }, problems };
  }
  if (cluster) return { topology: { kind: 'cluster', nodes: cluster, ...password }, problems };
  return { problems };
}
