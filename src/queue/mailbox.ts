import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { MailboxItem } from '../domain/mailbox-item.js';
import { buryItem, readDead } from './dead-letters.js';

/**
 * Per-conversation ordering on open-source BullMQ (which has no groups).
 *
 * Each chat has a Redis list (its mailbox). Enqueueing appends to the list and, only when the chat has no drain scheduled,
 * adds one `drain` job. A drain takes the chat's lock, handles items from the head in order and removes them after they are
 * committed, and clears the "scheduled" mark atomically when the list is empty. So one chat is handled by one worker at a time,
 * in arrival order, while different chats drain in parallel. A crash mid-drain leaves the item at the head (handled again,
 * idempotently, by the next drain); a lost drain job is re-added by `sweep`.
 */

// The seen-key holds a token unique to this call: if ioredis re-sends the script after Redis went away (the first run
// succeeded, its reply was lost), the re-run recognises its own token and answers 2 ("queued; make sure a drain runs")
// instead of "duplicate", which would leave the item without a drain job until the sweeper noticed.
const ENQUEUE = `
if ARGV[5] == '1' then
  if not redis.call('SET', KEYS[3], ARGV[6], 'NX', 'EX', ARGV[4]) then
    if redis.call('GET', KEYS[3]) == ARGV[6] then return 2 end
    return -1
  end
end
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[2]) == 1 then return 1 end
return 0`;

// Remove the handled items and, if nothing is left, finish the drain (unschedule + unlock) in one step, so an item
// enqueued concurrently either is seen now or schedules a new drain. Fenced by the lock token: a drain whose lock expired
// (and may now be held by another drain) must not trim, or it would drop items the new holder has not handled yet.
// Idempotent: ioredis re-sends a command whose reply was lost when Redis went away (autoResendUnfulfilledCommands), so
// the trim only happens while the last handled item (ARGV[5]) is still where this drain saw it.
const COMMIT = `
if redis.call('GET', KEYS[3]) ~= ARGV[3] then return -1 end
local n = tonumber(ARGV[1])
if n > 0 and redis.call('LINDEX', KEYS[1], n - 1) == ARGV[5] then redis.call('LTRIM', KEYS[1], n, -1) end
redis.call('DEL', KEYS[4])
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
  redis.call('DEL', KEYS[3])
  return 1
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return 0`;

// Take a chat's lock and read the first batch in one round trip (nil when another drain holds the lock). Idempotent for its
// holder: when Redis goes away after the SET but before the reply, ioredis re-sends it, and a plain SET NX would then find
// "someone else's" lock (ours) and stall the chat until it expires.
const LOCK_READ = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[3]) - 1)`;

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface MailboxOptions {
  redis: Redis;
  /** Key prefix (e.g. `tracebot`). */
  prefix: string;
  /** The BullMQ queue drain jobs go to. */
  queue: Queue;
  /** How long a channel message id is remembered for de-duplication. */
  dedupTtlSeconds?: number;
  /** Items handled per drain job before yielding to other chats. */
  batch?: number;
  maxPerJob?: number;
  lockMs?: number;
  /** Failures of one item before it is moved to the dead-letter list, so a poison message never blocks its chat for good. */
  maxItemFailures?: number;
}

export type EnqueueOutcome = 'queued' | 'duplicate';

/** Per-chat ordered mailboxes over Redis lists plus BullMQ drain jobs. */
export class Mailboxes {
  private readonly redis: Redis;
  private readonly p: string;
  private readonly opts: Required<Omit<MailboxOptions, 'redis' | 'prefix' | 'queue'>>;
  private readonly scripts: Record<'enqueue' | 'commit' | 'lockRead' | 'unlock', (...args: string[]) => Promise<unknown>>;

  constructor(private readonly options: MailboxOptions) {
    this.redis = options.redis;
    // Defined once per connection and sent as EVALSHA (ioredis re-loads them after a Redis restart on NOSCRIPT).
    this.scripts = {
      enqueue: defineScript(this.redis, 'tracebotMailboxEnqueue', 3, ENQUEUE),
      commit: defineScript(this.redis, 'tracebotMailboxCommit', 4, COMMIT),
      lockRead: defineScript(this.redis, 'tracebotMailboxLockRead', 2, LOCK_READ),
      unlock: defineScript(this.redis, 'tracebotMailboxUnlock', 1, UNLOCK),
    };
    this.p = `${options.prefix}:mb`;
    this.opts = {
      dedupTtlSeconds: options.dedupTtlSeconds ?? 7 * 24 * 3600,
      batch: options.batch ?? 20,
      maxPerJob: options.maxPerJob ?? 100,
      // Short, because a worker killed mid-drain keeps its chat's lock until expiry; renewed by every batch commit.
      lockMs: options.lockMs ?? 10_000,
      maxItemFailures: options.maxItemFailures ?? 3,
    };
  }

  private keys(key: string) {
    return { list: `${this.p}:list:${key}`, sched: `${this.p}:scheduled`, lock: `${this.p}:lock:${key}`, fail: `${this.p}:fail:${key}` };
  }

  /** Append an item to a chat's mailbox (de-duplicated by `dedupId` when given) and make sure a drain will run. */
  async enqueue(key: string, item: MailboxItem, dedupId?: string): Promise<EnqueueOutcome> {
    const k = this.keys(key);
    const seen = `${this.p}:seen:${dedupId ?? ''}`;
    const r = (await this.scripts.enqueue(
      k.list,
      k.sched,
      seen,
      JSON.stringify(item),
      key,
      String(Date.now()),
      String(this.opts.dedupTtlSeconds),
      dedupId ? '1' : '0',
      randomUUID(),
    )) as number;
    if (r === -1) return 'duplicate';
    // 2: a re-sent call whose first run we cannot see; an extra drain job only finds the lock taken or the list empty.
    if (r === 1 || r === 2) await this.addDrain(key);
    return 'queued';
  }

  /**
   * Re-add drain jobs for chats scheduled long ago whose drain is not running: a job lost between two Redis calls, or the
   * drain of a worker that was killed (its lock expires after `lockMs`). A re-added job that turns out to be a duplicate
   * only finds the lock taken or the list empty.
   */
  async sweep(olderThanMs = 10_000): Promise<number> {
    const stale = await this.redis.zrangebyscore(`${this.p}:scheduled`, '-inf', Date.now() - olderThanMs, 'LIMIT', 0, 200);
    let n = 0;
    for (const key of stale) {
      if (await this.redis.exists(this.keys(key).lock)) continue;
      await this.redis.zadd(`${this.p}:scheduled`, 'XX', Date.now(), key);
      await this.addDrain(key);
      n++;
    }
    return n;
  }

  /** Whether an item with this de-duplication id was enqueued and Redis still remembers it (it did not lose its data since). */
  async remembers(dedupId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.p}:seen:${dedupId}`)) === 1;
  }

  /** Number of items waiting in all mailboxes of these keys (for tests and metrics). */
  async length(key: string): Promise<number> {
    return this.redis.llen(this.keys(key).list);
  }

  /** Items moved aside after repeated failures (the mailbox payloads; `dead-letters.ts` puts them back). */
  async deadLetters(): Promise<string[]> {
    return (await readDead(this.redis, this.p)).map((e) => e.item);
  }

  /** The mailboxes' own key prefix (dead letters live under it). */
  get keyPrefix(): string {
    return this.p;
  }

  /**
   * Take the locks of several chats under one token and read each one's first items, in one round trip. Null where another
   * drain holds the chat. The keys must be distinct: the token is shared, and a lock is re-entrant for its own token.
   */
  async lockRead(keys: readonly string[], token: string): Promise<(string[] | null)[]> {
    const p = this.redis.pipeline() as unknown as ScriptPipeline;
    for (const key of keys) {
      const k = this.keys(key);
      p.tracebotMailboxLockRead(k.lock, k.list, token, String(this.opts.lockMs), String(this.opts.batch));
    }
    return (await execAll(p)) as (string[] | null)[];
  }

  /** The next items of chats whose locks this drain holds (the lock was renewed by the last commit). */
  async read(keys: readonly string[]): Promise<string[][]> {
    const p = this.redis.pipeline();
    for (const key of keys) p.lrange(this.keys(key).list, 0, this.opts.batch - 1);
    return (await execAll(p as unknown as ScriptPipeline)) as string[][];
  }

  /**
   * Remove each chat's handled head items, in one round trip: per chat `finished` (the drain is over, lock released),
   * `more` (items left, lock renewed) or `lost` (the lock expired and may be someone else's: nothing was touched).
   */
  async commit(entries: readonly { key: string; handled: readonly string[] }[], token: string): Promise<('finished' | 'more' | 'lost')[]> {
    if (!entries.length) return [];
    const p = this.redis.pipeline() as unknown as ScriptPipeline;
    for (const { key, handled } of entries) {
      const k = this.keys(key);
      const last = handled.at(-1) ?? '';
      p.tracebotMailboxCommit(k.list, k.sched, k.lock, k.fail, String(handled.length), key, token, String(this.opts.lockMs), last);
    }
    const r = (await execAll(p)) as number[];
    return r.map((n) => (n === -1 ? 'lost' : n === 1 ? 'finished' : 'more'));
  }

  /** Count one more failure of a chat's head item; returns the count (it resets when the chat commits). */
  async countFailure(key: string): Promise<number> {
    const k = this.keys(key);
    const failures = await this.redis.incr(k.fail);
    await this.redis.expire(k.fail, 3600);
    return failures;
  }

  /** Move an item aside (unparseable, or failed `maxItemFailures` times) so it never blocks its chat for good. */
  async bury(key: string, text: string): Promise<void> {
    await buryItem(this.redis, this.p, key, text, Date.now());
  }

  /** Release chats' locks if this token still holds them. */
  async unlock(keys: readonly string[], token: string): Promise<void> {
    if (!keys.length) return;
    const p = this.redis.pipeline() as unknown as ScriptPipeline;
    for (const key of keys) p.tracebotMailboxUnlock(this.keys(key).lock, token);
    await execAll(p);
  }

  /** Limits of one drain: items read per chat per round, items per chat per job, failures before an item is buried. */
  get limits(): { batch: number; maxPerJob: number; maxItemFailures: number } {
    return { batch: this.opts.batch, maxPerJob: this.opts.maxPerJob, maxItemFailures: this.opts.maxItemFailures };
  }

  /** One drain job for a chat; nothing to keep once it completed (the mailbox, not the job, holds the work). */
  async addDrain(key: string): Promise<void> {
    await this.options.queue.add('drain', { key }, { attempts: 20, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true });
  }
}

/** A drain held its chat's lock past its expiry (e.g. Redis was away); it stops without touching the list and is retried. */
export class MailboxLockLostError extends Error {
  constructor(readonly key: string) {
    super('mailbox lock lost before commit; the drain will be retried');
    this.name = 'MailboxLockLostError';
  }
}

/** Register a Lua script on a connection (sent as EVALSHA) and return a caller for it. */
function defineScript(redis: Redis, name: string, numberOfKeys: number, lua: string): (...args: string[]) => Promise<unknown> {
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[name]!;
  return (...args) => command.apply(redis, args);
}

/** A pipeline carrying the mailbox scripts (defined on the connection, so pipelines have them too). */
interface ScriptPipeline {
  tracebotMailboxLockRead(...args: string[]): void;
  tracebotMailboxCommit(...args: string[]): void;
  tracebotMailboxUnlock(...args: string[]): void;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** Run a pipeline; the first command error is thrown (a pipeline reports errors per command). */
async function execAll(p: ScriptPipeline): Promise<unknown[]> {
  const results = (await p.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
