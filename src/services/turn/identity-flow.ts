import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import { localDate } from '../../flow/answers/index.js';
import type { FlowDefinition } from '../../flow/definition.js';
import { initialState, step } from '../../flow/engine.js';
import type { ConversationState, EngineEvent } from '../../flow/types.js';
import { caseContext } from './identify-case.js';
import { linkedVerificationFields, typedIdentityMatches, unlinkedVerificationFields, type LinkedStart } from './identity-context.js';
import type { TurnDeps } from './turn-deps.js';

/** Whether new chats must prove who they are first: an identity-check flow is configured (if it is not published, new chats get no answer: fail closed). */
export function verifies(d: TurnDeps): boolean {
  return Boolean(d.verifyFlow);
}

/**
 * A valid link (start code or known phone) arrived in a chat that was still verifying an unknown person: the check goes on,
 * now for that case (the person types its date of birth or case number; a link proves only who holds the phone).
 * Returns the relinked conversation, or undefined when the chat is not verifying an unknown person.
 */
export function relinkVerification(d: TurnDeps, conv: ConversationRecord, caseId: number, now: number): ConversationRecord | undefined {
  if (conv.flowId !== d.verifyFlow || conv.caseId !== null) return undefined;
  const latest = d.flows.latest(conv.flowId);
  const c = d.stores.cases.byId(caseId);
  if (!latest || !c) return undefined;
  d.stores.conversations.setFlow(conv.id, latest.flowId, latest.version, now);
  const state = initialState(latest.flow, { lang: c.language, case: linkedVerificationFields(c, 'patient', 'none', 0) });
  return { ...conv, flowVersion: latest.version, state: JSON.stringify(state) };
}

/** The identity-check flow's first state for a chat linked to a case (outreach, start link, known phone). */
export function linkedVerificationState(flow: FlowDefinition, d: TurnDeps, caseId: number, start: LinkedStart): ConversationState | undefined {
  const c = d.stores.cases.byId(caseId);
  if (!c) return undefined;
  return initialState(flow, { lang: c.language, case: linkedVerificationFields(c, start, 'none', 0) });
}

/** Where a finished identity check leads: the interview's first turn for the matched case, or the check again. */
export interface AfterVerification {
  caseId: number | null;
  flow: FlowDefinition;
  state: ConversationState;
  events: EngineEvent[];
}

/**
 * The identity-check flow finished. A chat linked to a case matches when the person typed that case's date of birth or
 * case number; an unknown chat matches a case with both the case number and date of birth typed. On a match the chat is
 * linked and the interview starts; otherwise the check runs again, and after 3 misses it goes to a tracer. Moves the
 * conversation to the flow it continues on.
 */
export function afterVerification(d: TurnDeps, conv: ConversationRecord, state: ConversationState, now: number): AfterVerification | undefined {
  const { cases, conversations } = d.stores;
  const verify = d.flows.get(conv.flowId, conv.flowVersion);
  const linked = conv.caseId !== null ? cases.byId(conv.caseId) : undefined;
  let match: number | undefined;
  if (linked) {
    const typed = typeof state.answers.identity_answer === 'string' ? state.answers.identity_answer : '';
    if (typedIdentityMatches(linked, typed, localDate(now, verify?.settings.timezone ?? 'Asia/Jakarta'))) match = linked.id;
  } else {
    const number = typeof state.answers.case_number === 'string' ? state.answers.case_number.trim() : '';
    const dob = typeof state.answers.date_of_birth === 'string' ? state.answers.date_of_birth : '';
    match = cases.idByIdentity(number, dob);
  }
  if (match !== undefined) {
    const latest = d.flows.latest(d.defaultFlow);
    if (!latest) return undefined;
    cases.markReached(match, now);
    const ctx = caseContext(cases, match);
    // The case's language, unless the patient switched language while verifying.
    const lang = verify && state.lang !== verify.default_language ? state.lang : ctx.lang;
    const fresh = initialState(latest.flow, { lang, case: ctx.fields });
    const turn = step(latest.flow, fresh, { kind: 'start' }, { now }, { defaultCountry: d.defaultCountry });
    if (latest.flowId !== conv.flowId) conversations.setFlow(conv.id, latest.flowId, latest.version, now);
    return { caseId: match, flow: latest.flow, ...turn };
  }
  if (!verify) return undefined;
  const attempts = Number(state.case.attempts ?? 0) + 1;
  const fields = linked ? linkedVerificationFields(linked, 'patient', 'mismatch', attempts) : unlinkedVerificationFields('not_found', attempts);
  const fresh = initialState(verify, { lang: state.lang, case: fields });
  const turn = step(verify, fresh, { kind: 'start' }, { now }, { defaultCountry: d.defaultCountry });
  return { caseId: linked ? linked.id : null, flow: verify, ...turn };
}
