import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import type { TurnStores } from './turn-deps.js';

/** The answer key of the consent question (flows/case-interview.yaml); its answer is the person's lawful basis. */
export const CONSENT_KEY = 'consent';

/** What a declined chat keeps of its answers: that they declined, and whether they want a call back. */
const KEPT_WHEN_DECLINED = [CONSENT_KEY, 'wants_callback'] as const;

/**
 * A consent answer was saved: record the flow version, the question exactly as the person read it, the answer and the
 * time (issue 17). A decline keeps only that record, the case link and the times: the answers and texts the person gave
 * before are removed from this conversation. Inside the turn's transaction.
 */
export function recordConsent(
  stores: Pick<TurnStores, 'consent'>,
  conv: ConversationRecord,
  caseId: number | null,
  a: { step: string; value: unknown; lang: 'id' | 'en' },
  now: number,
): void {
  const given = a.value === true;
  stores.consent.record({
    conversationId: conv.id,
    caseId,
    flowId: conv.flowId,
    flowVersion: conv.flowVersion,
    stepId: a.step,
    textShown: stores.consent.lastShown(conv.id, a.step) ?? '',
    language: a.lang,
    answer: given ? 'given' : 'declined',
    answeredAt: now,
  });
  if (!given) stores.consent.forgetDeclined(conv.id, KEPT_WHEN_DECLINED);
}
