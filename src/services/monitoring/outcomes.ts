import type { EnrolmentRecord, Repositories } from '../../domain/repositories/index.js';
import type { ResultSource } from '../../domain/monitoring.js';
import { createCases } from '../cases.js';
import { addEvent } from '../outbox.js';

/** What the loop's outcomes write through. */
export type OutcomeStores = Pick<Repositories, 'monitoring' | 'cases' | 'outbox' | 'transactions'>;

/** Effects of an outcome to carry out after the commit. */
export interface OutcomeEffects {
  outboxIds: number[];
}

/**
 * A contact tested positive (in chat, by a tracer or through the API): the case-creation service makes them a case whose
 * record names the contact (the chain edge to the case who named them), the record closes as `became_case`, and a
 * `contact.became_case` event goes out. Idempotent: a record that already became a case returns that case.
 */
export function becomeCase(
  stores: OutcomeStores,
  e: EnrolmentRecord,
  r: { testedAt: string; source: ResultSource },
  opts: { now: number; startCodeTtlMs: number },
  fx: OutcomeEffects,
): { caseId: number; created: boolean } {
  return stores.transactions.transaction(() => {
    if (e.status === 'became_case' && e.becameCaseId !== null) return { caseId: e.becameCaseId, created: false };
    const contact = stores.monitoring.contact(e.contactId);
    stores.monitoring.recordResult(e.id, { result: 'positive', testedAt: r.testedAt, source: r.source }, opts.now);
    const [made] = createCases(
      stores,
      [
        {
          externalId: `contact-${e.contactId}-${e.id}`,
          name: contact?.name ?? `contact ${e.contactId}`,
          phone: contact?.phone ?? null,
          dateOfBirth: null,
          testDate: r.testedAt,
          confirmedAt: opts.now,
          language: e.lang,
          area: contact?.area ?? null,
          sourceContactId: e.contactId,
        },
      ],
      opts,
    );
    const caseId = made!.id;
    stores.monitoring.close(e.id, { status: 'became_case', reason: 'became_case', becameCaseId: caseId }, opts.now);
    fx.outboxIds.push(addEvent(stores.outbox, null, 'contact.became_case', { contactId: e.contactId, enrolmentId: e.id, caseId, sourceCaseId: e.sourceCaseId }, opts.now));
    return { caseId, created: made!.created };
  });
}

/** Close an active record as released (negative exit test, or the end of the period) with a `contact.released` event. */
export function release(stores: OutcomeStores, e: EnrolmentRecord, reason: 'released_negative' | 'released_end', now: number, fx: OutcomeEffects): boolean {
  if (!stores.monitoring.close(e.id, { status: 'released', reason }, now)) return false;
  fx.outboxIds.push(addEvent(stores.outbox, null, 'contact.released', { contactId: e.contactId, enrolmentId: e.id, releasedOn: e.quarantineEnd, reason }, now));
  return true;
}

/** Why a record is released now, if it is: a negative exit test with no symptoms, or the period is over. */
export function releaseReason(e: EnrolmentRecord, today: string): 'released_negative' | 'released_end' | undefined {
  if (e.status !== 'active') return undefined;
  const exit = e.testDates.at(-1) ?? e.quarantineEnd;
  if (e.testResult === 'negative' && e.testedAt !== null && e.testedAt >= exit && e.symptomaticAt === null) return 'released_negative';
  return e.lastCheckinDate < today ? 'released_end' : undefined;
}
