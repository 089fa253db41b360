import type { RedactionCounts, RedactionTargets, Repositories } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';

const DAY_MS = 86_400_000;

export type RetentionStores = Pick<Repositories, 'privacy' | 'audit' | 'transactions'>;

/** What a retention run removes (or, dry, would remove) at a moment. */
export interface RetentionReport {
  at: number;
  /** Records closed or unchanged before this moment are due. */
  cutoff: number;
  days: number;
  dryRun: boolean;
  targets: RedactionTargets;
  counts: RedactionCounts;
}

/**
 * Remove the personal data due at `at` under a policy of `days` after close: message texts, answers, names, phones, dates
 * of birth and places of conversations closed (and cases and contacts quiet) for longer, keeping the rows' non-personal
 * columns so the dashboard's past figures stay as they were. Dry: measure only. One transaction, audited by `actor` (the
 * audit row keeps counts and ids, never what was said).
 */
export function runRetention(
  stores: RetentionStores,
  o: { at: number; days: number; dryRun?: boolean; actor?: { kind: 'user' | 'system'; id: number | null } },
): RetentionReport {
  const cutoff = o.at - o.days * DAY_MS;
  const dryRun = o.dryRun ?? false;
  return stores.transactions.transaction(() => {
    const targets = stores.privacy.dueForRetention(cutoff);
    const counts = dryRun ? stores.privacy.measure(targets) : stores.privacy.redact(targets, 'retention', o.at);
    if (!dryRun) {
      audit(
        stores,
        {
          actorKind: o.actor?.kind ?? 'system',
          actorId: o.actor?.id ?? null,
          action: 'retention.run',
          entityType: 'retention',
          details: { days: o.days, cutoff: new Date(cutoff).toISOString(), ...counts, conversationIds: targets.conversationIds.slice(0, 1000) },
        },
        o.at,
      );
    }
    return { at: o.at, cutoff, days: o.days, dryRun, targets, counts };
  });
}

/** The name of the retention job's row in `scheduled_jobs`. */
export const RETENTION_JOB = 'retention';

/**
 * Run the daily retention job if its row is due at `now` (the row is created due now the first time). Claiming moves the
 * due time a day on in one statement, so when several workers look at once exactly one runs it. Returns the report when
 * this call ran it.
 */
export function runRetentionIfDue(stores: RetentionStores, o: { now: number; days: number }): RetentionReport | undefined {
  const { privacy } = stores;
  privacy.ensureScheduledJob(RETENTION_JOB, o.now);
  const row = privacy.scheduledJob(RETENTION_JOB);
  if (!row || row.dueAt > o.now) return undefined;
  // The next occurrence keeps the time of day of the first one, whatever the delay of this run.
  const next = row.dueAt + Math.max(1, Math.ceil((o.now - row.dueAt + 1) / DAY_MS)) * DAY_MS;
  if (!privacy.claimScheduledJob(RETENTION_JOB, o.now, next)) return undefined;
  const report = runRetention(stores, { at: o.now, days: o.days });
  privacy.recordScheduledRun(RETENTION_JOB, o.now, JSON.stringify(report.counts));
  return report;
}
