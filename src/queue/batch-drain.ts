import { randomUUID } from 'node:crypto';
import { DelayedError, type Job } from 'bullmq';
import { isStorageOutage } from '../domain/errors.js';
import { parseMailboxItem, type MailboxItem } from '../domain/mailbox-item.js';
import { MailboxLockLostError, type Mailboxes } from './mailbox.js';

/** One drain job waiting to be run in a batch. */
interface Entry {
  key: string;
  job: Job;
  token: string | undefined;
  resolve(handled: number): void;
  reject(error: unknown): void;
}

/** A chat whose lock this batch holds, and where its drain stands. */
interface Chat {
  entry: Entry;
  raw: string[];
  parsed: (MailboxItem | undefined)[];
  /** Head items of `raw` handled (or buried) this round. */
  done: number;
  handled: number;
  failure?: { error: unknown };
}

export interface BatchDrainOptions<R> {
  mailboxes: Mailboxes;
  /** The batch's one write transaction (a throw rolls everything back). */
  transaction<T>(fn: () => T): T;
  /** A nested transaction: a failing item rolls back its own writes only. */
  savepoint<T>(fn: () => T): T;
  /** One item's turn, inside the batch's transaction; must be idempotent (it can run again after a crash). */
  handle(key: string, item: MailboxItem): R;
  /** Effects of committed turns (dispatch, timers, live events), run before their items leave the mailboxes. */
  afterCommit(outcomes: R[]): Promise<void>;
  /** Test instrumentation around each item (see PipelineOptions.onItem). */
  onItem?: (phase: 'start' | 'end', key: string, item: MailboxItem) => void | Promise<void>;
  /** Chats per batch (the drain worker's concurrency bounds it too). */
  maxBatch?: number;
}

/**
 * Runs drain jobs in batches across chats. Each drain job still names one chat and holds its lock, so per-chat order and the
 * crash, restart and poison guarantees are those of one drain; what is shared is the cost: the jobs that are active together
 * take their locks in one round trip, run all their turns in ONE SQLite transaction, dispatch their effects with one
 * `addBulk` per queue and one publish, and commit their mailboxes in one round trip.
 */
export class BatchDrain<R> {
  private waiting: Entry[] = [];
  private scheduled = false;
  private readonly maxBatch: number;

  constructor(private readonly o: BatchDrainOptions<R>) {
    this.maxBatch = o.maxBatch ?? 64;
  }

  /** The drain job's processor: resolves with the chat's handled count once its batch is done. */
  run(job: Job, token: string | undefined, key: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ key, job, token, resolve, reject });
      // Jobs that become active in the same turn of the event loop share a batch.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      void this.runBatch(batch);
    }
  }

  private async runBatch(entries: Entry[]): Promise<void> {
    const { mailboxes } = this.o;
    const token = randomUUID();
    // Two drain jobs of one chat (a sweeper re-add) must not share the token: the second waits as if the chat were locked.
    const byKey = new Map<string, Entry>();
    const again: Entry[] = [];
    for (const e of entries) {
      if (byKey.has(e.key)) again.push(e);
      else byKey.set(e.key, e);
    }
    let chats: Chat[] = [];
    try {
      const keys = [...byKey.keys()];
      const firsts = await mailboxes.lockRead(keys, token);
      keys.forEach((key, i) => {
        const raw = firsts[i];
        if (raw === null || raw === undefined) again.push(byKey.get(key)!);
        else chats.push(this.chat(byKey.get(key)!, raw));
      });
    } catch (error) {
      for (const e of byKey.values()) e.reject(error);
      for (const e of again) e.reject(error);
      return;
    }
    await Promise.all(again.map((e) => this.later(e)));
    try {
      while (chats.length) chats = await this.round(chats, token);
    } catch (error) {
      await mailboxes.unlock(chats.map((c) => c.entry.key), token).catch(() => undefined);
      for (const c of chats) c.entry.reject(error);
    }
  }

  private chat(entry: Entry, raw: string[]): Chat {
    return { entry, raw, parsed: raw.map((text) => parseMailboxItem(text)), done: 0, handled: 0 };
  }

  /** Another drain holds the chat: look again shortly (it may be just finishing). */
  private async later(e: Entry): Promise<void> {
    try {
      await e.job.moveToDelayed(Date.now() + 50, e.token);
      e.reject(new DelayedError());
    } catch (error) {
      e.reject(error);
    }
  }

  /** Handle what the chats hold now, dispatch, commit; returns the chats that go on to another round. */
  private async round(chats: Chat[], token: string): Promise<Chat[]> {
    const { mailboxes } = this.o;
    const outcomes = await this.turns(chats);
    const handledAny = chats.some((c) => c.done > 0);
    // Effects of what was handled go out before those items leave their mailboxes: a crash in between repeats, never skips
    // (also when a later item of a chat failed: its predecessors are committed work).
    if (handledAny) await this.o.afterCommit(outcomes);
    // Unparseable payloads are kept for inspection, never retried.
    for (const c of chats) for (let i = 0; i < c.done; i++) if (!c.parsed[i]) await mailboxes.bury(c.entry.key, c.raw[i]!);
    // A chat with nothing left commits too: that ends its drain (unschedules and unlocks it).
    const committing = chats.filter((c) => c.done > 0 || !c.failure);
    const states = await mailboxes.commit(committing.map((c) => ({ key: c.entry.key, handled: c.raw.slice(0, c.done) })), token);
    const state = new Map(committing.map((c, i) => [c, states[i]!]));
    const next: Chat[] = [];
    const { maxItemFailures, maxPerJob } = mailboxes.limits;
    for (const c of chats) {
      const s = state.get(c);
      c.handled += c.done;
      if (s === 'lost') {
        c.entry.reject(new MailboxLockLostError(c.entry.key));
        continue;
      }
      if (c.failure) {
        // The database cannot write at all (disk full, locked): not this item's fault. It stays at the head of its chat
        // and the drain is retried with backoff, so the chat's order holds once the outage ends.
        const { error } = c.failure;
        const give = async () => {
          await mailboxes.unlock([c.entry.key], token);
          c.entry.reject(error);
        };
        if (s === 'finished') {
          // Cannot happen with a failed item at the head; kept safe: nothing is left to retry.
          c.entry.resolve(c.handled);
          continue;
        }
        if (isStorageOutage(error)) {
          await give();
          continue;
        }
        // Counted after the commit above (which resets the counter), so the head item gets exactly `maxItemFailures` tries.
        if ((await mailboxes.countFailure(c.entry.key)) < maxItemFailures) {
          await give();
          continue;
        }
        const poison = c.raw[c.done]!;
        await mailboxes.bury(c.entry.key, poison);
        const [after] = await mailboxes.commit([{ key: c.entry.key, handled: [poison] }], token);
        if (after === 'lost') c.entry.reject(new MailboxLockLostError(c.entry.key));
        else if (after === 'finished') c.entry.resolve(c.handled);
        else next.push(c);
        continue;
      }
      if (s === 'finished') {
        c.entry.resolve(c.handled);
        continue;
      }
      if (c.handled >= maxPerJob) {
        // Yield: let other chats run, then continue this one with a fresh job.
        await mailboxes.unlock([c.entry.key], token);
        await mailboxes.addDrain(c.entry.key);
        c.entry.resolve(c.handled);
        continue;
      }
      next.push(c);
    }
    if (!next.length) return next;
    const raws = await mailboxes.read(next.map((c) => c.entry.key));
    return next.map((c, i) => ({ ...this.chat(c.entry, raws[i]!), handled: c.handled }));
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
          out.push(this.o.savepoint(() => this.o.handle(c.entry.key, item)));
        } catch (error) {
          c.failure = { error };
          return false;
        }
      }
      c.done = i + 1;
      return true;
    };
    const inTransaction = (cs: Chat[], body: (out: R[]) => void) => {
      const done = cs.map((c) => c.done);
      try {
        const out: R[] = [];
        this.o.transaction(() => body(out));
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
      inTransaction(chats, (out) => {
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
            await hooks('start', c.entry.key, item);
            return true;
          } catch (error) {
            c.failure = { error };
            return false;
          }
        }),
      );
      const run = here.filter((_, n) => started[n]);
      if (!run.length) continue;
      inTransaction(run, (out) => {
        for (const c of run) runItem(c, i, out);
      });
      await Promise.all(run.map(async (c) => (c.parsed[i] && !c.failure ? hooks('end', c.entry.key, c.parsed[i]!) : undefined)));
    }
    return outcomes;
  }
}
