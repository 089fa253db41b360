import { runRetentionIfDue, type RetentionStores } from './retention.js';

/** How often a worker looks whether the daily retention job is due (the row decides; this only wakes it). */
export const RETENTION_CHECK_EVERY_MS = 10 * 60_000;

/** Where the schedule reports (ids and counts only). */
export interface ScheduleLog {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Look at the retention job's row now and then every `everyMs` and run it when due (the worker role does this, so the
 * running system removes due data by itself). Returns the function that stops it.
 */
export function startRetentionSchedule(stores: RetentionStores, o: { days: number; clock: () => number; log: ScheduleLog; everyMs?: number }): () => void {
  const tick = () => {
    try {
      const report = runRetentionIfDue(stores, { now: o.clock(), days: o.days });
      if (report) o.log.info({ ...report.counts, days: report.days }, 'retention: removed personal data past its retention time');
    } catch (error) {
      o.log.warn({ err: error instanceof Error ? error.name : 'error' }, 'retention run failed; it is tried again at the next check');
    }
  };
  tick();
  const timer = setInterval(tick, o.everyMs ?? RETENTION_CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
