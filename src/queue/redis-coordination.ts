import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Coordination, Lease, SharedValue } from '../domain/coordination.js';

// Compare-and-act scripts: only the token that took the lock may extend or release it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis lease (`SET key token NX PX ttl`) naming the one process allowed to hold a connection, e.g. the WhatsApp socket:
 * WhatsApp allows one connection per linked device, and two would kick each other off ("connection replaced") forever.
 */
export class RedisLease implements Lease {
  readonly token = randomUUID();

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly ttlMs: number,
  ) {}

  async acquire(): Promise<boolean> {
    const answer = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    return answer === 'OK';
  }

  async renew(): Promise<boolean> {
    const answer = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
    return Number(answer) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}

/** Leases and shared values in Redis under `prefix` (which ends with its separator, e.g. `tracebot:`). */
export function createRedisCoordination(redis: Redis, prefix: string): Coordination {
  return {
    lease: (name, ttlMs) => new RedisLease(redis, `${prefix}${name}`, ttlMs),
    value: (name): SharedValue => {
      const key = `${prefix}${name}`;
      return {
        get: () => redis.get(key),
        set: async (value, ttlMs) => {
          await redis.set(key, value, 'PX', ttlMs);
        },
        delete: async () => {
          await redis.del(key);
        },
      };
    },
  };
}
