import { Redis, type RedisOptions } from 'ioredis';

/** Options every tracebot Redis connection shares; BullMQ workers need `maxRetriesPerRequest: null` for blocking calls. */
export function redisConnection(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // Keep reconnecting while Redis restarts; BullMQ resumes on the same connection.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    ...extra,
  });
}
