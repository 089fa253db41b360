import { afterEach } from 'vitest';
import { startRedis, type TestRedis } from './redis-server.js';
import { startTestSystem } from './system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/**
 * For suites that kill and restart Redis under a running system: each test gets its own redis-server (with or without
 * persistence) and system, both stopped after the test. Call once in a `describe`; the returned function starts them.
 */
export function ownRedisSystems(): (persist: boolean, ...rest: Parameters<typeof startTestSystem> extends [string, ...infer R] ? R : never) => Promise<{ redis: TestRedis; sys: Sys }> {
  let redis: TestRedis | undefined;
  let sys: Sys | undefined;
  afterEach(async () => {
    await sys?.stop();
    await redis?.stop();
    sys = undefined;
    redis = undefined;
  });
  return async (persist, ...rest) => {
    redis = await startRedis({ persist });
    sys = await startTestSystem(redis.url, ...rest);
    return { redis, sys };
  };
}
