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

/** Records redacted per transaction: the turn's writers wait for each batch, never for a whole backlog. */
export const RETENTION_BATCH = 200;

const NONE: RedactionCounts = { conversations: 0, cases: 0, contacts: 0, messageTexts: 0, answers: 0, places: 0, auditValues: 0 };

function add(a: RedactionCounts, b: RedactionCounts): RedactionCounts {
  return {
    conversations: a.conversations + b.conversations,
    cases: a.cases + b.cases,
    contacts: a.contacts + b.contacts,
    messageTexts: a.messageTexts + b.messageTexts,
    answers: a.answers + b.answers,
    places: a.places + b.places,
    auditValues: a.auditValues + b.auditValues,
  };
}

/**
 * Remove the personal data due at `at` under a policy of `days` after close: message texts, answers, names, phones, dates
 * of birth and places of conversations over (and cases and contacts quiet) for longer, keeping the rows' non-personal
 * columns so the dashboard's past figures stay as they were. Works in batches (`batch`, default `RETENTION_BATCH`), each in one
 * transaction that reads what is due and clears it. Dry: measure only. Audited once by `actor` with counts and ids,
 * never what was said.
 */
export function runRetention(
  stores: RetentionStores,
  o: { at: number; days: number; dryRun?: boolean; batch?: number; actor?: { kind: 'user' | 'system'; id: number | null } },
): RetentionReport {
  const cutoff = o.at - o.days * DAY_MS;
  const dryRun = o.dryRun ?? false;
  if (dryRun) {
    const targets = stores.privacy.dueForRetention(cutoff);
    return { at: o.at, cutoff, days: o.days, dryRun, targets, counts: stores.privacy.measure(targets) };
  }
  const targets: RedactionTargets = { conversationIds: [], caseIds: [], contactIds: [] };
  let counts = NONE;
  for (;;) {
    const batch = stores.transactions.transaction(() => {
      const due = stores.privacy.dueForRetention(cutoff, o.batch ?? RETENTION_BATCH);
      return { due, counts: stores.privacy.redact(due, 'retention', o.at) };
    });
    if (!batch.due.conversationIds.length && !batch.due.caseIds.length && !batch.due.contactIds.length) break;
    targets.conversationIds.push(...batch.due.conversationIds);
    targets.caseIds.push(...batch.due.caseIds);
    targets.contactIds.push(...batch.due.contactIds);
    counts = add(counts, batch.counts);
  }
  stores.transactions.transaction(() =>
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
    ),
  );
  return { at: o.at, cutoff, days: o.days, dryRun, targets, counts };
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
