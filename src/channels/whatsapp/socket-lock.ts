import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Compare-and-act scripts: only the token that took the lock may extend or release it.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A Redis lease (`SET key token NX PX ttl`) naming the one process allowed to hold the WhatsApp socket: WhatsApp allows one
 * connection per linked device, and two would kick each other off ("connection replaced") forever.
 */
export class SocketLock {
  readonly token = randomUUID();

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    readonly ttlMs: number,
  ) {}

  /** Take the lease if nobody holds it; true when we now hold it. */
  async acquire(): Promise<boolean> {
    const answer = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    return answer === 'OK';
  }

  /** Extend our lease by a full ttl; false when it is no longer ours (it expired and someone else may have it). */
  async renew(): Promise<boolean> {
    const answer = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
    return Number(answer) === 1;
  }

  /** Give the lease back if it is still ours (never deletes another holder's lease). */
  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token);
  }
}
