import type { FakePlatform } from '../../src/channels/fake/index.js';
import { initialState, step, type FlowDefinition } from '../../src/flow/index.js';
import type { ConversationState } from '../../src/flow/types.js';
import { eventually } from './system.js';

/**
 * A patient's answers to the default interview, without a linked case, none of which escalates: consent, no
 * symptoms, swab yesterday, isolating at home, two housemates, then the first contact.
 */
export const INTERVIEW_SCRIPT = ['halo', 'ya', 'tidak', 'kemarin', 'rumah', '2', 'Budi Santoso', 'tidak tahu', 'kantor'] as const;

/** What the bot must have done after a chat's messages were each handled once, in order. */
export interface ExpectedChat {
  /** Bot texts, in order, cumulated after each patient message. */
  textsAfter: string[][];
  state: ConversationState;
}

/**
 * Replay `messages` through the pure engine as the conversation service does for an unlinked fake-channel chat (the first
 * message starts the flow, the rest are answers): the reference a pipeline run must match exactly.
 */
export function expectedChat(flow: FlowDefinition, messages: readonly string[], now = Date.now()): ExpectedChat {
  let state = initialState(flow, { lang: flow.default_language, case: {} });
  const texts: string[] = [];
  const textsAfter: string[][] = [];
  messages.forEach((text, i) => {
    const turn = step(flow, state, i === 0 ? { kind: 'start' } : { kind: 'text', text }, { now }, { defaultCountry: 'ID' });
    state = turn.state;
    for (const e of turn.events) if (e.type === 'message') texts.push(e.text);
    textsAfter.push([...texts]);
  });
  return { textsAfter, state };
}

/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Drive one patient through `messages` like a person would: send one, wait until the bot's expected reply has arrived,
 * think a little, send the next. Returns the texts the phone shows at the end.
 */
export async function converse(
  phone: FakePlatform,
  user: string,
  messages: readonly string[],
  expected: ExpectedChat,
  o: { thinkMs?: () => number; replyTimeoutMs?: number } = {},
): Promise<string[]> {
  for (const [i, text] of messages.entries()) {
    phone.patientSends(user, { kind: 'text', text });
    const want = expected.textsAfter[i]!.length;
    await eventually(() => (phone.inbox(user).length >= want ? true : undefined), `${user}: reply to message ${i + 1}`, o.replyTimeoutMs ?? 10_000);
    if (o.thinkMs) await sleep(o.thinkMs());
  }
  return phone.inbox(user).map((d) => d.text);
}

/** A case the identity check can match: what its person types as the case number and the date of birth. */
export const VERIFIABLE_CASE = { externalId: 'JKT-0042', name: 'Sri Wahyuni', dateOfBirth: '1990-03-14' } as const;

/** An unknown chat's opening, then the case number and date of birth of VERIFIABLE_CASE, then the interview script. */
export const VERIFIED_SCRIPT = ['halo', VERIFIABLE_CASE.externalId, '14/03/1990', ...INTERVIEW_SCRIPT.slice(1)] as const;

/** Insert VERIFIABLE_CASE (no phone: chats find it only by what the person types). */
export function seedVerifiableCase(db: { $client: { prepare(sql: string): { run(...a: unknown[]): unknown } } }, now = Date.now()): void {
  db.$client
    .prepare(`INSERT INTO cases (external_id, name, date_of_birth, language, confirmed_at, created_at, updated_at) VALUES (?, ?, ?, 'id', ?, ?, ?)`)
    .run(VERIFIABLE_CASE.externalId, VERIFIABLE_CASE.name, VERIFIABLE_CASE.dateOfBirth, now, now, now);
}

/**
 * The reference for an unknown chat that proves who it is (VERIFIED_SCRIPT's first three messages on the identity check,
 * unlinked), then runs the interview for VERIFIABLE_CASE, as the conversation service does.
 */
export function expectedVerifiedChat(verify: FlowDefinition, interview: FlowDefinition, messages: readonly string[], now = Date.now()): ExpectedChat {
  return replayVerifiedChat(verify, interview, messages, now);
}

/**
 * The reference for an unknown chat that may stumble while proving who it is, as the conversation service runs it: a case
 * number and date of birth that match no case make the check run again (saying so, `attempts` counted), a language chosen
 * while verifying carries over to the interview, which then runs for VERIFIABLE_CASE. Throws on a script that would reach
 * a tracer (a handoff, too many invalid answers, an opt-out): the bot then goes silent, which this replay does not model.
 */
export function replayVerifiedChat(verify: FlowDefinition, interview: FlowDefinition, messages: readonly string[], now = Date.now()): ExpectedChat {
  const unlinked = (code_status: string, attempts: number) => ({ mode: 'unlinked', code_status, attempts });
  let flow = verify;
  let state = initialState(verify, { lang: verify.default_language, case: unlinked('none', 0) });
  const texts: string[] = [];
  const textsAfter: string[][] = [];
  messages.forEach((text, i) => {
    let turn = step(flow, state, i === 0 ? { kind: 'start' } : { kind: 'text', text }, { now }, { defaultCountry: 'ID' });
    if (flow === verify && turn.events.some((e) => e.type === 'completed')) {
      const before = turn.events.filter((e) => e.type === 'message');
      const { case_number: number, date_of_birth: dob } = turn.state.answers;
      const matched = typeof number === 'string' && number.trim().toLowerCase() === VERIFIABLE_CASE.externalId.toLowerCase() && dob === VERIFIABLE_CASE.dateOfBirth;
      const lang = turn.state.lang;
      if (matched) {
        flow = interview;
        const fields = { id: VERIFIABLE_CASE.externalId, name: VERIFIABLE_CASE.name, first_name: 'Sri', area: null, test_date: null };
        // The case's language, unless the patient chose one while verifying.
        const fresh = initialState(interview, { lang: lang !== verify.default_language ? lang : 'id', case: fields });
        turn = step(interview, fresh, { kind: 'start' }, { now }, { defaultCountry: 'ID' });
      } else {
        const fresh = initialState(verify, { lang, case: unlinked('not_found', Number(turn.state.case.attempts ?? 0) + 1) });
        turn = step(verify, fresh, { kind: 'start' }, { now }, { defaultCountry: 'ID' });
      }
      turn = { ...turn, events: [...before, ...turn.events] };
    }
    const silencing = turn.events.find((e) => e.type === 'escalated' || e.type === 'opted_out');
    if (silencing || turn.state.status === 'handed_off' || turn.state.status === 'stopped') {
      throw new Error(`message ${i + 1} (${JSON.stringify(text)}) would leave the bot silent (${silencing?.type ?? turn.state.status}): the replay does not model that`);
    }
    state = turn.state;
    for (const e of turn.events) if (e.type === 'message') texts.push(e.text);
    textsAfter.push([...texts]);
  });
  return { textsAfter, state };
}
