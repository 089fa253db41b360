import { randomUUID } from 'node:crypto';
import { isStorageOutage } from '../domain/errors.js';
import { parseMailboxItem, type MailboxItem } from '../domain/mailbox-item.js';
import type { Mailboxes } from './mailbox.js';

/** One drain job waiting to be run in a batch: for ready chats, or for the chat it names. */
interface Entry {
  key: string | undefined;
  resolve(handled: number): void;
  reject(error: unknown): void;
  /** Chats of this job not settled yet, and items handled for it. */
  open: number;
  handled: number;
  settled: boolean;
}

/** A chat whose lock this batch holds, and where its drain stands. */
interface Chat {
  key: string;
  owner: Entry;
  raw: string[];
  parsed: (MailboxItem | undefined)[];
  /** Head items of `raw` handled (or buried) this round. */
  done: number;
  handled: number;
  failure?: { error: unknown };
}

export interface BatchDrainOptions<R> {
  mailboxes: Mailboxes;
  /** The batch's one write transaction (a throw rolls everything back), begun as soon as the write lock is free. */
  write<T>(fn: () => T): Promise<T>;
  /** A nested transaction: a failing item rolls back its own writes only. */
  savepoint<T>(fn: () => T): T;
  /** One item's turn, inside the batch's transaction; must be idempotent (it can run again after a crash). */
  handle(key: string, item: MailboxItem): R;
  /** Effects of committed turns (dispatch, timers, live events), run before their items leave the mailboxes. */
  afterCommit(outcomes: R[]): Promise<void>;
  /** A chat's head item failed; `retry` says whether it will be tried again (else it was moved to the dead letters). */
  onFailure?: (error: unknown, retry: boolean) => void;
  /** Test instrumentation around each item (see PipelineOptions.onItem). */
  onItem?: (phase: 'start' | 'end', key: string, item: MailboxItem) => void | Promise<void>;
}

/** Chats in one batch at most: its turns are one synchronous transaction, which holds up everything else in the process. */
const MAX_CHATS_PER_BATCH = 64;

/** How long a chat whose database could not write waits before it is tried again. */
const OUTAGE_RETRY_MS = 1000;

/**
 * Runs drain jobs in batches. A drain job takes many ready chats (Mailboxes.take), and the jobs active in the same tick of
 * the event loop are run together: their turns in ONE SQLite transaction (a savepoint per item), their effects dispatched
 * with one `addBulk` per queue and one publish, their mailboxes committed in one round trip. Per chat everything is as
 * with a lone drain: items in order, one drain per chat, removed only after their effects went out; a failing head item
 * stops its chat only (tried again later, buried after `maxItemFailures`).
 */
export class BatchDrain<R> {
  private waiting: Entry[] = [];
  private scheduled = false;

  constructor(private readonly o: BatchDrainOptions<R>) {}

  /**
   * The drain job's processor (`key`: the chat a retry or sweep names; absent: take ready chats). Resolves with the number
   * of items handled for it once its chats are done.
   */
  run(key: string | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject, open: 0, handled: 0, settled: false });
      // Jobs that become active in the same turn of the event loop share a batch.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.runBatch(this.waiting.splice(0));
        });
      }
    });
  }

  private async runBatch(entries: Entry[]): Promise<void> {
    const { mailboxes } = this.o;
    const token = randomUUID();
    const byKey = new Map<string, Chat>();
    let chats: Chat[] = [];
    try {
      const claim = (owner: Entry, key: string, raw: string[]) => {
        if (byKey.has(key)) return;
        owner.open++;
        byKey.set(key, this.chat(key, owner, raw));
      };
      const takes = entries.filter((e) => e.key === undefined);
      // Jobs of one tick share the batch's chats, so a batch stays one short transaction however many jobs started.
      const share = Math.max(4, Math.ceil(MAX_CHATS_PER_BATCH / Math.max(1, takes.length)));
      const taken = await Promise.all(takes.map(() => mailboxes.take(token, share)));
      takes.forEach((e, i) => taken[i]!.forEach((c) => claim(e, c.key, c.items)));
      // A job naming a chat another drain holds has nothing to do: a holder lets go only once the chat is empty, or it
      // schedules a retry, or it dies and the sweeper finds the chat.
      const named = entries.filter((e) => e.key !== undefined && !byKey.has(e.key));
      const firsts = named.length ? await mailboxes.lockRead(named.map((e) => e.key!), token) : [];
      named.forEach((e, i) => firsts[i] && claim(e, e.key!, firsts[i]));
      chats = [...byKey.values()];
      for (const e of entries) if (e.open === 0) this.finish(e);
      while (chats.length) chats = await this.round(chats, token);
    } catch (error) {
      // Redis or the dispatch failed: let go of every chat this batch holds (their locks would expire anyway) and fail the
      // jobs still open, which BullMQ retries; a chat taken off the ready list meanwhile is found again by the sweeper.
      await mailboxes.unlock([...byKey.keys()], token).catch(() => undefined);
      for (const e of entries.filter((x) => !x.settled)) {
        e.settled = true;
        e.reject(error);
      }
    }
  }

  private finish(e: Entry): void {
    if (e.settled) return;
    e.settled = true;
    e.resolve(e.handled);
  }

  private chat(key: string, owner: Entry, raw: string[]): Chat {
    return { key, owner, raw, parsed: raw.map((text) => parseMailboxItem(text)), done: 0, handled: 0 };
  }

  /** A chat is done with for this batch. */
  private settle(c: Chat): void {
    c.owner.handled += c.handled;
    if (--c.owner.open === 0) this.finish(c.owner);
  }

  /** Handle what the chats hold now, dispatch, commit; returns the chats that go on to another round. */
  private async round(chats: Chat[], token: string): Promise<Chat[]> {
    const { mailboxes } = this.o;
    const outcomes = await this.turns(chats);
    // Effects of what was handled go out before those items leave their mailboxes: a crash in between repeats, never skips
    // (also when a later item of a chat failed: its predecessors are committed work).
    if (outcomes.length) await this.o.afterCommit(outcomes);
    // Unparseable payloads are kept for inspection, never retried.
    for (const c of chats) for (let i = 0; i < c.done; i++) if (!c.parsed[i]) await mailboxes.bury(c.key, c.raw[i]!);
    // A chat with nothing left commits too: that ends its drain (unschedules and unlocks it).
    const committing = chats.filter((c) => c.done > 0 || !c.failure);
    const states = await mailboxes.commit(committing.map((c) => ({ key: c.key, handled: c.raw.slice(0, c.done) })), token);
    const state = new Map(committing.map((c, i) => [c, states[i]!]));
    const next: Chat[] = [];
    const { maxItemFailures, maxPerJob } = mailboxes.limits;
    for (const c of chats) {
      const s = state.get(c);
      c.handled += c.done;
      // Lost: the lock expired (Redis was away) and the chat may be someone else's now; the sweeper finds it otherwise.
      if (s === 'finished' || s === 'lost') {
        this.settle(c);
        continue;
      }
      if (c.failure) {
        const { error } = c.failure;
        // The database cannot write at all (disk full, locked): not this item's fault. It stays at the head of its chat
        // and is tried again shortly, so the chat's order holds once the outage ends.
        if (isStorageOutage(error)) {
          this.o.onFailure?.(error, true);
          await mailboxes.retryLater(c.key, token, OUTAGE_RETRY_MS);
          this.settle(c);
          continue;
        }
        // Counted after the commit above (which resets the counter), so the head item gets exactly `maxItemFailures` tries.
        const failures = await mailboxes.countFailure(c.key);
        if (failures < maxItemFailures) {
          this.o.onFailure?.(error, true);
          await mailboxes.retryLater(c.key, token, 200 * 2 ** (failures - 1));
          this.settle(c);
          continue;
        }
        this.o.onFailure?.(error, false);
        const poison = c.raw[c.done]!;
        await mailboxes.bury(c.key, poison);
        const [after] = await mailboxes.commit([{ key: c.key, handled: [poison] }], token);
        if (after === 'more') next.push(c);
        else this.settle(c);
        continue;
      }
      if (c.handled >= maxPerJob) {
        // Yield: let other chats run, then continue this one in a later drain.
        await mailboxes.requeue(c.key, token);
        this.settle(c);
        continue;
      }
      next.push(c);
    }
    if (!next.length) return next;
    const raws = await mailboxes.read(next.map((c) => c.key));
    return next.map((c, i) => ({ ...this.chat(c.key, c.owner, raws[i]!), handled: c.handled }));
  }

  /**
   * Run the chats' items: in chat order and, within a chat, in mailbox order, each in a savepoint so a failing item rolls back
   * its own writes and stops its chat only. Without instrumentation all of it is one transaction; with it, one transaction
   * per position, so the awaited hooks run around each item as they would around a lone drain's.
   */
  private async turns(chats: Chat[]): Promise<R[]> {
    const outcomes: R[] = [];
    for (const c of chats) {
      c.done = 0;
      delete c.failure;
    }
    const runItem = (c: Chat, i: number, out: R[]): boolean => {
      const item = c.parsed[i];
      if (item) {
        try {
          out.push(this.o.savepoint(() => this.o.handle(c.key, item)));
        } catch (error) {
          // SQLite may have rolled back the whole transaction on such an error (a full disk, I/O): going on would write
          // the next items outside any transaction. The whole batch is abandoned instead and tried again.
          if (isStorageOutage(error)) throw error;
          c.failure = { error };
          return false;
        }
      }
      c.done = i + 1;
      return true;
    };
    const inTransaction = async (cs: Chat[], body: (out: R[]) => void) => {
      const done = cs.map((c) => c.done);
      try {
        const out: R[] = [];
        await this.o.write(() => body(out));
        outcomes.push(...out);
      } catch (error) {
        // The transaction itself failed (BEGIN or COMMIT: a locked or full database): none of it happened.
        cs.forEach((c, i) => {
          c.done = done[i]!;
          c.failure = { error };
        });
      }
    };
    const hooks = this.o.onItem;
    if (!hooks) {
      await inTransaction(chats, (out) => {
        for (const c of chats) for (let i = 0; i < c.raw.length && runItem(c, i, out); i++);
      });
      return outcomes;
    }
    const depth = Math.max(0, ...chats.map((c) => c.raw.length));
    for (let i = 0; i < depth; i++) {
      const here = chats.filter((c) => !c.failure && c.done === i && i < c.raw.length);
      const started = await Promise.all(
        here.map(async (c) => {
          const item = c.parsed[i];
          if (!item) return true;
          try {
            await hooks('start', c.key, item);
            return true;
          } catch (error) {
            c.failure = { error };
            return false;
          }
        }),
      );
      const run = here.filter((_, n) => started[n]);
      if (!run.length) continue;
      await inTransaction(run, (out) => {
        for (const c of run) runItem(c, i, out);
      });
      await Promise.all(run.map(async (c) => (c.parsed[i] && !c.failure ? hooks('end', c.key, c.parsed[i]!) : undefined)));
    }
    return outcomes;
  }
}
