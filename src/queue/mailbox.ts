import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { MailboxItem } from '../domain/mailbox-item.js';
import { buryItem, readDead } from './dead-letters.js';
import { COMMIT, ENQUEUE, LOCK_READ, REQUEUE, TAKE, UNLOCK } from './mailbox-scripts.js';

/**
 * Per-conversation ordering on open-source BullMQ (which has no groups).
 *
 * Each chat has a Redis list (its mailbox). Enqueueing appends to the list and, when the chat has no drain scheduled, puts
 * the chat on the `ready` list; a drain job is added only while few are waiting to start. A drain job takes many ready chats
 * at once (`take`), locks them, handles their items from the head in order and removes them after they are committed, and
 * clears a chat's "scheduled" mark atomically when its list is empty. So one chat is handled by one drain at a time, in
 * arrival order, while many chats share one job, one SQLite transaction and one round trip per step. A crash mid-drain
 * leaves the items at the head (handled again, idempotently); a chat whose drain died is found by `sweep`. Retries and
 * sweeps name their chat (`lockRead`).
 */

export interface MailboxOptions {
  redis: Redis;
  /** Key prefix (e.g. `tracebot`). */
  prefix: string;
  /** The BullMQ queue drain jobs go to. */
  queue: Queue;
  /** How long a channel message id is remembered for de-duplication. */
  dedupTtlSeconds?: number;
  /** Items of one chat read and handled per round of a drain. */
  batch?: number;
  /** Items of one chat handled per drain job before it yields to other chats. */
  maxPerJob?: number;
  lockMs?: number;
  /** Failures of one item before it is moved to the dead-letter list, so a poison message never blocks its chat for good. */
  maxItemFailures?: number;
  /** Ready chats one drain job takes. */
  chatsPerJob?: number;
  /** Drain jobs waiting to start before enqueueing adds no more (each takes many chats; a starting one adds the next). */
  waitingJobs?: number;
}

/** A chat a drain took: its key and its first items. */
export interface TakenChat {
  key: string;
  items: string[];
}

export type EnqueueOutcome = 'queued' | 'duplicate';

/** Per-chat ordered mailboxes over Redis lists plus BullMQ drain jobs. */
export class Mailboxes {
  private readonly redis: Redis;
  private readonly p: string;
  private readonly opts: Required<Omit<MailboxOptions, 'redis' | 'prefix' | 'queue'>>;
  private readonly scripts: Record<'enqueue' | 'take' | 'requeue', (...args: string[]) => Promise<unknown>>;

  constructor(private readonly options: MailboxOptions) {
    this.redis = options.redis;
    // Defined once per connection and sent as EVALSHA (ioredis re-loads them after a Redis restart on NOSCRIPT).
    this.scripts = {
      enqueue: defineScript(this.redis, 'tracebotMailboxEnqueue', 5, ENQUEUE),
      take: defineScript(this.redis, 'tracebotMailboxTake', 2, TAKE),
      requeue: defineScript(this.redis, 'tracebotMailboxRequeue', 2, REQUEUE),
    };
    // Used in pipelines only (one round trip for many chats).
    defineScript(this.redis, 'tracebotMailboxCommit', 4, COMMIT);
    defineScript(this.redis, 'tracebotMailboxLockRead', 2, LOCK_READ);
    defineScript(this.redis, 'tracebotMailboxUnlock', 1, UNLOCK);
    this.p = `${options.prefix}:mb`;
    this.opts = {
      dedupTtlSeconds: options.dedupTtlSeconds ?? 7 * 24 * 3600,
      batch: options.batch ?? 20,
      maxPerJob: options.maxPerJob ?? 100,
      // Short, because a worker killed mid-drain keeps its chat's lock until expiry; renewed by every batch commit.
      lockMs: options.lockMs ?? 10_000,
      maxItemFailures: options.maxItemFailures ?? 3,
      chatsPerJob: options.chatsPerJob ?? 32,
      waitingJobs: options.waitingJobs ?? 4,
    };
  }

  private get shared() {
    return { ready: `${this.p}:ready`, tickets: `${this.p}:tickets` };
  }

  private keys(key: string) {
    return { list: `${this.p}:list:${key}`, sched: `${this.p}:scheduled`, lock: `${this.p}:lock:${key}`, fail: `${this.p}:fail:${key}` };
  }

  /** Append an item to a chat's mailbox (de-duplicated by `dedupId` when given) and make sure a drain will run. */
  async enqueue(key: string, item: MailboxItem, dedupId?: string): Promise<EnqueueOutcome> {
    const k = this.keys(key);
    const seen = `${this.p}:seen:${dedupId ?? ''}`;
    const { ready, tickets } = this.shared;
    const r = (await this.scripts.enqueue(
      k.list,
      k.sched,
      seen,
      ready,
      tickets,
      JSON.stringify(item),
      key,
      String(Date.now()),
      String(this.opts.dedupTtlSeconds),
      dedupId ? '1' : '0',
      randomUUID(),
      String(this.opts.waitingJobs),
    )) as number;
    if (r === -1) return 'duplicate';
    // 2: a re-sent call whose first run we cannot see; an extra drain job at worst finds nothing ready.
    if (r === 1 || r === 2) await this.addDrain();
    return 'queued';
  }

  /**
   * Re-add drain jobs for chats scheduled long ago whose drain is not running: a job lost between two Redis calls, or the
   * drain of a worker that was killed (its lock expires after `lockMs`). A re-added job that turns out to be a duplicate
   * only finds the lock taken or the list empty. Ready chats get one more drain job, whatever the count of waiting ones
   * says (a job removed by hand never starts and never gives its place back).
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
    // The count of waiting drain jobs never exceeds the jobs really waiting (one removed by hand would hold its place for
    // good, and with all places held no drain job would be added any more).
    const { ready, tickets } = this.shared;
    const waiting = await this.options.queue.getWaitingCount();
    if (Number((await this.redis.get(tickets)) ?? 0) > waiting) await this.redis.set(tickets, String(waiting));
    if ((await this.redis.llen(ready)) > 0) {
      await this.redis.incr(tickets);
      await this.addDrain();
    }
    return n;
  }

  /**
   * A drain job starts: take up to `count` (default `chatsPerJob`) ready chats, locked under `token`, with their first items
   * (each chat once). Adds the next drain job when ready chats are left over.
   */
  async take(token: string, count = this.opts.chatsPerJob): Promise<TakenChat[]> {
    const { ready, tickets } = this.shared;
    const o = this.opts;
    const [more, flat] = (await this.scripts.take(ready, tickets, token, String(o.lockMs), String(o.batch), String(Math.min(count, o.chatsPerJob)), String(o.waitingJobs), `${this.p}:`)) as [
      number,
      (string | string[])[],
    ];
    if (more === 1) await this.addDrain();
    const chats = new Map<string, string[]>();
    for (let i = 0; i + 1 < flat.length; i += 2) chats.set(String(flat[i]), flat[i + 1] as string[]);
    return [...chats].map(([key, items]) => ({ key, items }));
  }

  /** Put a chat this drain yields (it had its share) back among the ready ones, then release it. */
  async requeue(key: string, token: string): Promise<void> {
    await this.unlock([key], token);
    if ((await this.scripts.requeue(this.shared.ready, this.shared.tickets, key, String(this.opts.waitingJobs))) === 1) await this.addDrain();
  }

  /** Try a chat again in `delayMs` (its head item failed, or the database could not write): a job naming the chat. */
  async retryLater(key: string, token: string, delayMs: number): Promise<void> {
    await this.unlock([key], token);
    await this.addDrain(key, delayMs);
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

  /** Limits of one drain: items per chat per job, failures before an item is buried. */
  get limits(): { maxPerJob: number; maxItemFailures: number } {
    return { maxPerJob: this.opts.maxPerJob, maxItemFailures: this.opts.maxItemFailures };
  }

  /**
   * One drain job: for the ready chats, or naming one chat (a retry, a sweep). Nothing to keep once it completed (the
   * mailboxes, not the jobs, hold the work).
   */
  async addDrain(key?: string, delayMs = 0): Promise<void> {
    await this.options.queue.add('drain', key ? { key } : {}, { attempts: 20, backoff: { type: 'exponential', delay: 200 }, removeOnComplete: true, ...(delayMs ? { delay: delayMs } : {}) });
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
