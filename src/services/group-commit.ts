import { isStorageOutage } from '../domain/errors.js';
import type { TransactionRunner } from '../domain/repositories/index.js';
import { writeSoon } from './write-soon.js';

interface Waiting {
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * Group commit: small writes asked for in the same tick of the event loop (one per accepted message, one per delivered
 * reply) run in ONE transaction, one WAL commit instead of one each. Each write runs in its own savepoint, so one that
 * throws is undone alone and only its caller hears of it; a transaction that cannot begin or commit fails them all. Each
 * caller's promise settles only once its write is committed.
 */
export class GroupCommit {
  private waiting: Waiting[] = [];

  constructor(private readonly tx: TransactionRunner) {}

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting.splice(0);
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await writeSoon(this.tx, () => {
        results.length = 0;
        for (const w of batch) {
          try {
            results.push({ ok: true, value: this.tx.savepoint(w.fn) });
          } catch (error) {
            // SQLite may have rolled the whole transaction back (a full disk, I/O): the rest must not run outside it.
            if (isStorageOutage(error)) throw error;
            results.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => {
      const r = results[i]!;
      if (r.ok) w.resolve(r.value);
      else w.reject(r.error);
    });
  }
}
