import { performance } from 'node:perf_hooks';
import type { TransactionRunner } from '../domain/repositories/index.js';

/**
 * Run `fn` in a write transaction as soon as the lock is free. While another process holds it (several worker processes
 * share one SQLite file), wait asynchronously in short growing pauses, so this process keeps answering Redis and its other
 * jobs instead of sleeping inside SQLite's busy handler; after `patienceMs`, wait the blocking way as `transaction` does.
 */
export async function writeSoon<T>(tx: TransactionRunner, fn: () => T, patienceMs = 2000): Promise<T> {
  const started = performance.now();
  for (let pause = 0.25; performance.now() - started < patienceMs; pause = Math.min(pause * 2, 8)) {
    const r = tx.tryTransaction(fn);
    if (r) return r.value;
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return tx.transaction(fn);
}
