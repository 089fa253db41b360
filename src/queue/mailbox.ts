import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DelayedError, type Job, type Queue } from 'bullmq';
import { isStorageOutage } from '../domain/errors.js';
import { parseMailboxItem, type MailboxItem } from '../domain/mailbox-item.js';
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

/** Handles one mailbox item; must be idempotent (an item can be handled again after a crash). */
export type ItemHandler = (item: MailboxItem) => Promise<void>;

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
   * The drain job's processor: hold the chat's lock and handle items in order. `afterBatch` runs after each batch is handled
   * and before it is removed from the list (e.g. dispatch the outbox), so a crash in between repeats, never skips.
   */
  async drain(job: Job, token: string | undefined, handle: ItemHandler, afterBatch?: () => Promise<void>): Promise<number> {
    const key = String((job.data as { key: string }).key);
    const k = this.keys(key);
    const lockToken = randomUUID();
    let first = (await this.scripts.lockRead(k.lock, k.list, lockToken, String(this.opts.lockMs), String(this.opts.batch))) as string[] | null;
    if (first === null) {
      // Another worker is draining this chat: look again shortly (it may be just finishing).
      await job.moveToDelayed(Date.now() + 50, token);
      throw new DelayedError();
    }
    let handled = 0;
    try {
      for (;;) {
        const raw = first ?? (await this.redis.lrange(k.list, 0, this.opts.batch - 1));
        first = null;
        let done = 0;
        let failure: { error: unknown } | undefined;
        for (const text of raw) {
          const parsed = parseMailboxItem(text);
          if (parsed) {
            try {
              await handle(parsed);
            } catch (error) {
              failure = { error };
              break;
            }
          } else {
            // Unparseable payload: keep it for inspection, never block the chat on it.
            await buryItem(this.redis, this.p, key, text, Date.now());
          }
          done++;
          handled++;
        }
        // Effects of what was handled go out before those items leave the list, so a crash in between repeats, never skips
        // (also when a later item of the batch failed: its predecessors are committed work).
        if (afterBatch && done > 0) await afterBatch();
        if (failure) {
          if (done > 0) await this.commit(key, raw.slice(0, done), lockToken);
          // The database cannot write at all (disk full, locked): not this item's fault. It stays at the head of its chat
          // and the drain is retried with backoff, so the chat's order holds once the outage ends.
          if (isStorageOutage(failure.error)) throw failure.error;
          // Counted after the commit above (which resets the counter), so the head item gets exactly `maxItemFailures` tries.
          const failures = await this.redis.incr(k.fail);
          await this.redis.expire(k.fail, 3600);
          if (failures < this.opts.maxItemFailures) throw failure.error;
          await buryItem(this.redis, this.p, key, raw[done]!, Date.now());
          if (await this.commit(key, [raw[done]!], lockToken)) return handled;
          continue;
        }
        const finished = await this.commit(key, raw.slice(0, done), lockToken);
        if (finished) return handled;
        if (handled >= this.opts.maxPerJob) {
          // Yield: let other chats run, then continue this one with a fresh job.
          await this.scripts.unlock(k.lock, lockToken);
          await this.addDrain(key);
          return handled;
        }
      }
    } catch (error) {
      await this.scripts.unlock(k.lock, lockToken);
      throw error;
    }
  }

  /** One drain job for a chat; nothing to keep once it completed (the mailbox, not the job, holds the work). */
  private async addDrain(key: string): Promise<void> {
    await this.options.queue.add('drain', { key }, { attempts: 20, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true });
  }

  /** Remove `handled` (the head items, in order) from the list; true when the chat's drain is finished. */
  private async commit(key: string, handled: string[], lockToken: string): Promise<boolean> {
    const k = this.keys(key);
    const last = handled.at(-1) ?? '';
    const r = (await this.scripts.commit(k.list, k.sched, k.lock, k.fail, String(handled.length), key, lockToken, String(this.opts.lockMs), last)) as number;
    if (r === -1) throw new MailboxLockLostError(key);
    return r === 1;
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
