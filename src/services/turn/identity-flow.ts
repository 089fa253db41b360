import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import type { FlowDefinition } from '../../flow/definition.js';
import { initialState, step } from '../../flow/engine.js';
import type { ConversationState, EngineEvent } from '../../flow/types.js';
import { caseContext } from './identify-case.js';
import type { TurnDeps } from './turn-deps.js';

/**
 * A valid link (start code or known phone) arrived in a chat that was still verifying who the patient is: skip the
 * questions and switch the chat to the interview, from its start. Returns the switched conversation, or undefined when the
 * chat is not verifying or the interview has no published version.
 */
export function switchToInterview(d: TurnDeps, conv: ConversationRecord, caseId: number, now: number): ConversationRecord | undefined {
  if (conv.flowId !== d.verifyFlow) return undefined;
  const latest = d.flows.latest(d.defaultFlow);
  if (!latest) return undefined;
  d.stores.conversations.setFlow(conv.id, latest.flowId, latest.version, now);
  const ctx = caseContext(d.stores.cases, caseId);
  const state = initialState(latest.flow, { lang: ctx.lang, case: ctx.fields });
  return { ...conv, flowId: latest.flowId, flowVersion: latest.version, state: JSON.stringify(state) };
}

/** Where a finished identity check leads: the interview's first turn for the matched case, or the check again. */
export interface AfterVerification {
  caseId: number | null;
  flow: FlowDefinition;
  state: ConversationState;
  events: EngineEvent[];
}

/**
 * The verification flow finished: look for a case with that case number and date of birth. On a match the chat is linked
 * and the interview starts; otherwise the verification runs again, and after 3 misses it goes to a tracer. Moves the
 * conversation to the flow it continues on.
 */
export function afterVerification(d: TurnDeps, conv: ConversationRecord, state: ConversationState, now: number): AfterVerification | undefined {
  const { cases, conversations } = d.stores;
  const number = typeof state.answers.case_number === 'string' ? state.answers.case_number.trim() : '';
  const dob = typeof state.answers.date_of_birth === 'string' ? state.answers.date_of_birth : '';
  const verify = d.flows.get(conv.flowId, conv.flowVersion);
  const match = cases.idByIdentity(number, dob);
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
  const fresh = initialState(verify, { lang: state.lang, case: { code_status: 'not_found', attempts } });
  const turn = step(verify, fresh, { kind: 'start' }, { now }, { defaultCountry: d.defaultCountry });
  return { caseId: null, flow: verify, ...turn };
}
