/**
 * The flow engine: a pure function of (flow, state, input, clock) that returns the next state and the events the
 * rest of the system acts on. One call is one "sprint" (goflow's word): apply one input, then run steps until the
 * conversation waits for the patient again. Nothing here does I/O, reads the wall clock or throws.
 *
 * The turn itself lives in `./turn/`: `TurnCore` (state, texts, prompts, end states) <- `CollectTurn` (collect steps)
 * <- `Turn` (inputs, keywords, answers, running steps).
 *
 * Decisions worth knowing (each one also sits next to its code):
 * - Global keywords (person / stop / language) win over an answer, because a patient who types "petugas" wants a
 *   person, not to have "petugas" saved as a contact name. A language keyword naming the current language is treated as
 *   an answer ("Indonesia" is a fine answer to "where did you travel?").
 * - A button press (`choice` input) is always an answer, never a keyword.
 * - Answers inside a `collect` step are not `answer_saved` events: the finished item leaves as one `item_collected`.
 * - At the first question of a new collect item, "tidak ada" / "none" / "skip" ends the list once `min` items are in.
 * - A contact card outside a contact `collect` answers a phone question with its number; anything else is invalid.
 * - A reminder past `max_reminders` escalates without messaging the patient (they are not reading).
 * - Falling off the end of the steps completes the conversation, as an `end` step without text would.
 */
import type { ContextRecord } from './context-vars.js';
import type { FlowDefinition, Lang } from './definition.js';
import { FlowFault } from './flow-fault.js';
import { indexFlow } from './flow-index.js';
import { systemText } from './system-texts.js';
import { Turn } from './turn/index.js';
import type { Clock, ConversationState, EngineEvent, EngineInput, TurnResult } from './types.js';

/** Options of one turn that come from the deployment, not the flow. */
export interface StepOptions {
  /** ISO country for phone numbers written without a country code; default `ID`. */
  defaultCountry?: string;
}

const DEFAULT_COUNTRY = 'ID';

/** A fresh state for a new conversation (nothing sent yet); an unknown or unsupported `lang` falls back to the flow's default. */
export function initialState(
  flow: FlowDefinition,
  opts: { lang?: Lang; case?: Record<string, string | number | null>; contact?: ContextRecord; monitoring?: ContextRecord } = {},
): ConversationState {
  const lang = opts.lang && flow.languages.includes(opts.lang) ? opts.lang : flow.default_language;
  return {
    lang,
    status: 'new',
    stepId: null,
    answers: {},
    lists: {},
    collect: null,
    invalid: 0,
    reminders: 0,
    confirmingStop: false,
    case: { ...(opts.case ?? {}) },
    ...(opts.contact ? { contact: { ...opts.contact } } : {}),
    ...(opts.monitoring ? { monitoring: { ...opts.monitoring } } : {}),
  };
}

/** One turn: apply `input` and run until the next wait. Pure; never throws: a broken flow or a bug becomes `error` + escalation. */
export function step(flow: FlowDefinition, state: ConversationState, input: EngineInput, clock: Clock, opts: StepOptions = {}): TurnResult {
  let turn: Turn | undefined;
  try {
    turn = new Turn(flow, indexFlow(flow), state, clock, opts.defaultCountry ?? DEFAULT_COUNTRY);
    turn.handle(input);
    return turn.result();
  } catch (e) {
    if (turn && e instanceof FlowFault) return turn.fail(e);
    return crashed(flow, state, e);
  }
}

/** A bug in the engine: hand the chat to a person with the state as it was before the turn. */
function crashed(flow: FlowDefinition, state: ConversationState, e: unknown): TurnResult {
  const error: EngineEvent = {
    type: 'error',
    code: 'engine:exception',
    message: e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error',
    step: state?.stepId ?? null,
  };
  if (!state || state.status === 'stopped' || state.status === 'handed_off') return { state, events: [error] };
  let text = '';
  try {
    text = systemText(flow, 'handoff', state.lang);
  } catch {
    text = '';
  }
  const events: EngineEvent[] = [error];
  if (text) events.push({ type: 'message', step: state.stepId, text, expects: null });
  events.push({ type: 'escalated', step: state.stepId, reason: 'flow_error', priority: 'high' });
  return { state: { ...state, status: 'handed_off', confirmingStop: false }, events };
}
