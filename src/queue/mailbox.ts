import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DelayedError, type Job, type Queue } from 'bullmq';
import { MailboxItem } from './jobs.js';

/**
 * Per-conversation ordering on open-source BullMQ (which has no groups).
 *
 * Each chat has a Redis list (its mailbox). Enqueueing appends to the list and, only when the chat has no drain scheduled,
 * adds one `drain` job. A drain takes the chat's lock, handles items from the head in order and removes them after they are
 * committed, and clears the "scheduled" mark atomically when the list is empty. So one chat is handled by one worker at a time,
 * in arrival order, while different chats drain in parallel. A crash mid-drain leaves the item at the head (handled again,
 * idempotently, by the next drain); a lost drain job is re-added by `sweep`.
 */

const ENQUEUE = `
if ARGV[5] == '1' then
  if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[4]) then return -1 end
end
redis.call('RPUSH', KEYS[1], ARGV[1])
if redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[2]) == 1 then return 1 end
return 0`;

// Remove the handled items and, if nothing is left, finish the drain (unschedule + unlock) in one step, so an item
// enqueued concurrently either is seen now or schedules a new drain.
const COMMIT = `
if tonumber(ARGV[1]) > 0 then redis.call('LTRIM', KEYS[1], ARGV[1], -1) end
redis.call('DEL', KEYS[4])
if redis.call('LLEN', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[2])
  if redis.call('GET', KEYS[3]) == ARGV[3] then redis.call('DEL', KEYS[3]) end
  return 1
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return 0`;

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

  constructor(private readonly options: MailboxOptions) {
    this.redis = options.redis;
    this.p = `${options.prefix}:mb`;
    this.opts = {
      dedupTtlSeconds: options.dedupTtlSeconds ?? 7 * 24 * 3600,
      batch: options.batch ?? 20,
      maxPerJob: options.maxPerJob ?? 100,
      lockMs: options.lockMs ?? 60_000,
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
    const r = (await this.redis.eval(
      ENQUEUE,
      3,
      k.list,
      k.sched,
      seen,
      JSON.stringify(item),
      key,
      String(Date.now()),
      String(this.opts.dedupTtlSeconds),
      dedupId ? '1' : '0',
    )) as number;
    if (r === -1) return 'duplicate';
    if (r === 1) await this.options.queue.add('drain', { key }, { attempts: 20, backoff: { type: 'exponential', delay: 200 } });
    return 'queued';
  }

  /** Re-add drain jobs for chats scheduled long ago whose drain is not running (a job lost between two Redis calls). */
  async sweep(olderThanMs = 30_000): Promise<number> {
    const stale = await this.redis.zrangebyscore(`${this.p}:scheduled`, '-inf', Date.now() - olderThanMs, 'LIMIT', 0, 200);
    let n = 0;
    for (const key of stale) {
      if (await this.redis.exists(this.keys(key).lock)) continue;
      await this.redis.zadd(`${this.p}:scheduled`, 'XX', Date.now(), key);
      await this.options.queue.add('drain', { key }, { attempts: 20, backoff: { type: 'exponential', delay: 200 } });
      n++;
    }
    return n;
  }

  /** Number of items waiting in all mailboxes of these keys (for tests and metrics). */
  async length(key: string): Promise<number> {
    return this.redis.llen(this.keys(key).list);
  }

  /** Items moved aside after repeated failures. */
  async deadLetters(): Promise<string[]> {
    return this.redis.lrange(`${this.p}:dead`, 0, -1);
  }

  /**
   * The drain job's processor: hold the chat's lock and handle items in order. `afterBatch` runs after each batch is handled
   * and before it is removed from the list (e.g. dispatch the outbox), so a crash in between repeats, never skips.
   */
  async drain(job: Job, token: string | undefined, handle: ItemHandler, afterBatch?: () => Promise<void>): Promise<number> {
    const key = String((job.data as { key: string }).key);
    const k = this.keys(key);
    const lockToken = randomUUID();
    const got = await this.redis.set(k.lock, lockToken, 'PX', this.opts.lockMs, 'NX');
    if (!got) {
      // Another worker is draining this chat: look again shortly (it may be just finishing).
      await job.moveToDelayed(Date.now() + 50, token);
      throw new DelayedError();
    }
    let handled = 0;
    try {
      for (;;) {
        const raw = await this.redis.lrange(k.list, 0, this.opts.batch - 1);
        let done = 0;
        for (const text of raw) {
          const parsed = safeParse(text);
          if (parsed) {
            try {
              await handle(parsed);
            } catch (error) {
              const failures = await this.redis.incr(k.fail);
              await this.redis.expire(k.fail, 3600);
              if (failures < this.opts.maxItemFailures) {
                if (done > 0) await this.commit(key, done, lockToken);
                throw error;
              }
              await this.redis.rpush(`${this.p}:dead`, text);
            }
          } else {
            // Unparseable payload: keep it for inspection, never block the chat on it.
            await this.redis.rpush(`${this.p}:dead`, text);
          }
          done++;
          handled++;
        }
        if (afterBatch && done > 0) await afterBatch();
        const finished = await this.commit(key, done, lockToken);
        if (finished) return handled;
        if (handled >= this.opts.maxPerJob) {
          // Yield: let other chats run, then continue this one with a fresh job.
          await this.redis.eval(UNLOCK, 1, k.lock, lockToken);
          await this.options.queue.add('drain', { key }, { attempts: 20, backoff: { type: 'exponential', delay: 200 } });
          return handled;
        }
      }
    } catch (error) {
      await this.redis.eval(UNLOCK, 1, k.lock, lockToken);
      throw error;
    }
  }

  private async commit(key: string, count: number, lockToken: string): Promise<boolean> {
    const k = this.keys(key);
    const r = (await this.redis.eval(COMMIT, 4, k.list, k.sched, k.lock, k.fail, String(count), key, lockToken, String(this.opts.lockMs))) as number;
    return r === 1;
  }
}

function safeParse(text: string): MailboxItem | undefined {
  try {
    const r = MailboxItem.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
