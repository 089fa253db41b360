import type { JobsOptions, WorkerOptions } from 'bullmq';

/**
 * When Redis restarts, a job can be left "active" with no worker knowing it (the reply to the worker's fetch was lost and
 * ioredis re-sent the fetch, which took the next job). Only BullMQ's stalled-job check brings it back, once its lock has
 * expired: a short lock and a frequent check make that reply late by seconds instead of a minute (defaults: 30 s + 30 s).
 */
export const STALL: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval'> = { lockDuration: 10_000, stalledInterval: 5_000 };

/** How often a worker process prunes dispatched outbox rows (they are kept for a week, see OUTBOX_KEEP_MS). */
export const PRUNE_EVERY_MS = 3_600_000;

/** Finished jobs kept for Bull Board: completed ones (1,000, for an hour), failed ones (5,000, for a week). */
export const KEEP: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
};

/** Error names and codes only, never the message: messages may quote patient data (a webhook URL, a phone number). */
export function errorName(error: unknown): string {
  if (error instanceof Error) return `${error.name}${'code' in error ? `(${String((error as { code: unknown }).code)})` : ''}`;
  return 'unknown';
}
