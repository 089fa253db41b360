/**
 * The flow engine: a pure function of (flow, state, input, clock) that returns the next state and the events the
 * rest of the system acts on. One call is one "sprint" (goflow's word): apply one input, then run steps until the
 * conversation waits for the patient again. Nothing here does I/O, reads the wall clock or throws.
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
import {
  choicesFor,
  isSkip,
  localDate,
  parseAnswer,
  reaskText,
  type ParseContext,
} from './answers/index.js';
import { ConditionError, testCondition } from './conditions.js';
import type { AnswerSpec, AskStep, BranchStep, CollectStep, FlowDefinition, Lang, LocalizedText, Question, Step } from './definition.js';
import { indexFlow, listKey, type FlowIndex } from './flow-index.js';
import { isNoneAnswer, matchKeyword } from './keywords.js';
import { pickText, systemText, type SystemTextKey } from './system-texts.js';
import { renderTemplate, type TemplateScope } from './templates.js';
import type {
  AnswerValue,
  Clock,
  CollectProgress,
  ConversationState,
  EngineEvent,
  EngineInput,
  EscalationReason,
  Item,
  OutChoice,
  Priority,
  TurnResult,
} from './types.js';

/** Options of one turn that come from the deployment, not the flow. */
export interface StepOptions {
  /** ISO country for phone numbers written without a country code; default `ID`. */
  defaultCountry?: string;
}

const YES_NO: AnswerSpec = { type: 'yes_no' };
const DEFAULT_COUNTRY = 'ID';
type ContactCard = { name: string; phone: string };

/** A fresh state for a new conversation (nothing sent yet); an unknown or unsupported `lang` falls back to the flow's default. */
export function initialState(flow: FlowDefinition, opts: { lang?: Lang; case?: Record<string, string | number | null> } = {}): ConversationState {
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

/** A problem inside the flow (not a bug in the engine): it becomes an `error` event with an `area:reason` code. */
class FlowFault extends Error {
  override name = 'FlowFault';
  constructor(
    readonly code: string,
    message: string,
    readonly step: string | null,
  ) {
    super(message);
  }
}

/** What the conversation is waiting for: an ask step, one question of a collect item, or a collect's "any other?". */
interface Prompt {
  step: string;
  text: string;
  spec: AnswerSpec;
  reask?: LocalizedText;
  optional: boolean;
  requestPhone: boolean;
}

class Turn {
  readonly events: EngineEvent[] = [];
  state: ConversationState;
  private visited = 0;
  private lastStep: string | null = null;
  private today: string | undefined;

  constructor(
    private readonly flow: FlowDefinition,
    private readonly ix: FlowIndex,
    input: ConversationState,
    private readonly clock: Clock,
    private readonly defaultCountry: string,
  ) {
    // Shallow copies of the two records a turn writes to; items and lists are replaced, never mutated.
    this.state = { ...input, answers: { ...input.answers }, lists: { ...input.lists } };
  }

  result(): TurnResult {
    return { state: this.state, events: this.events };
  }

  handle(input: EngineInput): void {
    const status = this.state.status;
    if (status === 'stopped') return; // Opted out: nothing, ever.
    if (status === 'handed_off') {
      // A tracer has the chat; only they can give it back (the service does not even call us for patient messages).
      if (input.kind === 'resume') this.resume(input.stepId);
      return;
    }
    switch (input.kind) {
      case 'start':
        if (status === 'new') this.begin();
        else if (status === 'completed') this.say(null, this.sys('already_completed'));
        else this.reprompt();
        return;
      case 'resume':
        if (status === 'new' && input.stepId === undefined) this.begin();
        else this.resume(input.stepId);
        return;
      case 'reminder':
        if (status === 'active') this.reminder();
        return;
      case 'text':
        if (this.state.confirmingStop && this.stopConfirmation(input.text)) return;
        if (this.keyword(input.text)) return;
        return this.answerOrOther(input.text);
      case 'choice':
        if (this.state.confirmingStop && this.stopConfirmation(input.value)) return;
        return this.answerOrOther(input.value);
      case 'media':
        this.state.confirmingStop = false;
        if (status !== 'active') return this.answerOrOther(null);
        return this.notText(input.media);
      case 'location': {
        this.state.confirmingStop = false;
        if (status !== 'active') return this.answerOrOther(null);
        const p = this.prompt();
        if (p?.spec.type === 'text') return this.answer(`${input.latitude},${input.longitude}`);
        return this.notText('location');
      }
      case 'contacts':
        this.state.confirmingStop = false;
        if (status !== 'active') return this.answerOrOther(null);
        return this.contactCards(input.contacts);
    }
  }

  /** Any input of a conversation that is new (starts it), complete (polite note) or active (an answer). */
  private answerOrOther(text: string | null): void {
    if (this.state.status === 'new') return this.begin();
    if (this.state.status === 'completed') return this.say(null, this.sys('already_completed'));
    if (text !== null) this.answer(text);
  }

  private begin(): void {
    this.state.status = 'active';
    this.runFrom(this.ix.startId);
  }

  // ---- keywords ---------------------------------------------------------------------------------------------------

  /** Handles a global keyword; false when `text` is not one. */
  private keyword(text: string): boolean {
    const kw = matchKeyword(text, this.flow.languages);
    if (!kw) return false;
    switch (kw.kind) {
      case 'person':
        // Before the first question a tracer who hands back should start the interview from the top.
        if (this.state.status === 'new') this.state.stepId = this.ix.startId;
        this.say(this.state.stepId, this.sys('handoff'));
        this.escalate('patient_asked', 'normal', this.state.stepId);
        return true;
      case 'stop':
        this.state.confirmingStop = true;
        this.sendStopConfirm();
        return true;
      case 'language':
        if (kw.lang === this.state.lang) return false;
        this.state.lang = kw.lang;
        this.events.push({ type: 'language_changed', lang: kw.lang });
        this.say(this.state.stepId, this.sys('language_changed'));
        this.reprompt();
        return true;
    }
  }

  private sendStopConfirm(): void {
    this.message(this.state.stepId, this.sys('stop_confirm'), 'yes_no', choicesFor(YES_NO, this.state.lang));
  }

  /** The reply to "are you sure you want to stop?"; false when it is no yes/no (the patient moved on: handle it normally). */
  private stopConfirmation(text: string): boolean {
    this.state.confirmingStop = false;
    const again = matchKeyword(text, this.flow.languages)?.kind === 'stop';
    const r = again ? ({ ok: true, value: true } as const) : parseAnswer(YES_NO, text, this.parseContext());
    if (!r.ok) return false;
    if (r.value === true) {
      this.events.push({ type: 'opted_out', step: this.state.stepId });
      this.say(this.state.stepId, this.sys('stopped'));
      this.state.status = 'stopped';
      return true;
    }
    this.say(this.state.stepId, this.sys('stop_cancelled'));
    this.reprompt();
    return true;
  }

  // ---- waiting: prompts, reminders, resume --------------------------------------------------------------------------

  /** Sends what the conversation waits for again (the stop confirmation, the current question, or the start). */
  private reprompt(): void {
    if (this.state.confirmingStop) return this.sendStopConfirm();
    if (this.state.status === 'new') return this.begin();
    if (this.state.status !== 'active') return;
    const p = this.prompt();
    if (p) return this.sendPrompt(p);
    // Waiting on a step that is not a question (or a collect with no progress): run it, which asks again.
    this.runFrom(this.state.stepId);
  }

  private reminder(): void {
    this.state.reminders += 1;
    if (this.state.reminders > this.flow.settings.max_reminders) {
      this.escalate('unresponsive', 'normal', this.state.stepId);
      return;
    }
    this.events.push({ type: 'reminder_due', step: this.state.stepId, count: this.state.reminders });
    this.say(this.state.stepId, this.sys('reminder'));
    this.reprompt();
  }

  /** A tracer hands back: continue at `stepId` (which must exist) or where the conversation stopped. */
  private resume(stepId: string | undefined): void {
    if (stepId !== undefined && !this.ix.byId.has(stepId)) {
      this.events.push({ type: 'error', code: 'flow:unknown_step', message: `cannot resume at "${stepId}": no such step`, step: this.state.stepId });
      return;
    }
    const target = stepId ?? this.state.stepId;
    // Handing back to the same collect step keeps the items and the half-answered item.
    const keepProgress = target === this.state.stepId && this.state.collect !== null;
    this.state.status = 'active';
    this.state.invalid = 0;
    this.state.reminders = 0;
    this.state.confirmingStop = false;
    if (keepProgress) {
      const p = this.prompt();
      if (p) return this.sendPrompt(p);
    }
    this.state.collect = null;
    this.runFrom(target);
  }

  private prompt(): Prompt | null {
    const id = this.state.stepId;
    const s = id === null ? undefined : this.ix.byId.get(id);
    if (s?.type === 'ask') {
      return {
        step: s.id,
        text: this.render(s.text),
        spec: s.answer,
        ...(s.reask ? { reask: s.reask } : {}),
        optional: s.optional === true,
        requestPhone: s.answer.type === 'phone',
      };
    }
    if (s?.type === 'collect' && this.state.collect) {
      const cp = this.state.collect;
      if (cp.question === -1) {
        return { step: s.id, text: this.render(s.more, { count: cp.items.length }), spec: YES_NO, optional: false, requestPhone: false };
      }
      const q = s.questions[cp.question];
      if (!q) return null;
      return {
        step: s.id,
        text: this.render(q.text, { item: cp.item, itemQuestions: s.questions, count: cp.items.length }),
        spec: q.answer,
        ...(q.reask ? { reask: q.reask } : {}),
        optional: q.optional === true,
        // "Share my number" would share the patient's own number, never a contact's.
        requestPhone: false,
      };
    }
    return null;
  }

  private sendPrompt(p: Prompt): void {
    this.message(p.step, p.text, p.spec.type, choicesFor(p.spec, this.state.lang), p.requestPhone);
  }

  // ---- answers -------------------------------------------------------------------------------------------------------

  private answer(raw: string): void {
    const id = this.state.stepId;
    const s = id === null ? undefined : this.ix.byId.get(id);
    const p = this.prompt();
    if (!s || !p) return this.reprompt();
    if (s.type === 'ask') return this.answerAsk(s, p, raw);
    if (s.type === 'collect') return this.answerCollect(s, p, raw);
    this.reprompt();
  }

  private answerAsk(s: AskStep, p: Prompt, raw: string): void {
    let value: AnswerValue = null;
    if (!(s.optional && isSkip(raw))) {
      const r = parseAnswer(s.answer, raw, this.parseContext());
      if (!r.ok) return this.invalid(p, r);
      value = r.value;
    }
    const key = s.save_as ?? s.id;
    this.state.answers[key] = value;
    this.answered();
    this.events.push({ type: 'answer_saved', step: s.id, key, value, raw });
    const next = this.ix.following.get(s.id) ?? null;
    const risky = s.escalate_when;
    if (risky && this.matches(risky.when, s.id)) {
      this.say(s.id, risky.text ? this.render(risky.text) : this.sys('handoff'));
      this.escalate('risky_answer', risky.priority, s.id, risky.reason);
      // A tracer who hands back continues with the step after the risky answer.
      this.state.stepId = next;
      return;
    }
    this.runFrom(next);
  }

  private answered(): void {
    this.state.invalid = 0;
    this.state.reminders = 0;
  }

  private invalid(p: Prompt, failure: { ok: false; problem: string; params?: Record<string, string | number> }, reask?: string): void {
    if (this.countInvalid(p, failure.problem)) return;
    const text = reask ?? this.reaskFor(p, failure);
    this.message(p.step, text, p.spec.type, choicesFor(p.spec, this.state.lang), p.requestPhone);
  }

  /** Counts an invalid answer; true when that was one too many and the chat went to a tracer. */
  private countInvalid(p: Prompt, problem: string): boolean {
    this.state.invalid += 1;
    this.events.push({ type: 'invalid_answer', step: p.step, attempt: this.state.invalid, problem });
    if (this.state.invalid < this.flow.settings.max_invalid) return false;
    this.say(p.step, this.sys('too_many_invalid'));
    this.escalate('invalid_answers', 'normal', p.step);
    return true;
  }

  private reaskFor(p: Prompt, failure: { ok: false; problem: string; params?: Record<string, string | number> }): string {
    if (p.reask) return this.render(p.reask);
    const own = this.sys(`reask_${p.spec.type}` as SystemTextKey);
    if (own) return own;
    return reaskText(p.spec, failure, this.state.lang, this.parseContext());
  }

  /** A sticker, voice note, photo or a location where text is needed: "please type", then the question again. */
  private notText(what: string): void {
    const p = this.prompt();
    if (!p) return this.reprompt();
    if (this.countInvalid(p, `input:${what === 'location' ? 'location' : 'media'}`)) return;
    this.say(p.step, this.sys('please_type'));
    this.sendPrompt(p);
  }

  // ---- collect steps -----------------------------------------------------------------------------------------------

  private enterCollect(s: CollectStep): void {
    const items = this.state.lists[listKey(s)] ?? [];
    if (items.length >= s.max) return this.runFrom(this.ix.following.get(s.id) ?? null);
    this.state.stepId = s.id;
    this.state.invalid = 0;
    if (s.intro) this.say(s.id, this.render(s.intro, { count: items.length }));
    this.state.collect = { question: 0, item: {}, items };
    this.sendPrompt(this.prompt()!);
  }

  private answerCollect(s: CollectStep, p: Prompt, raw: string): void {
    const cp = this.state.collect!;
    if (cp.question === -1) {
      const r = parseAnswer(YES_NO, raw, this.parseContext());
      if (!r.ok) return this.invalid(p, r);
      this.answered();
      if (r.value === true) return this.continueItem(s, { ...cp, question: 0, item: {} });
      return this.finishCollect(s);
    }
    const q = s.questions[cp.question]!;
    const freshItem = Object.keys(cp.item).length === 0;
    if (freshItem && q.answer.type !== 'yes_no' && (isSkip(raw) || isNoneAnswer(raw))) {
      if (cp.items.length >= s.min) {
        this.answered();
        return this.finishCollect(s);
      }
      if (!q.optional) return this.invalid(p, { ok: false, problem: 'collect:min_items' }, this.sys('need_more_items'));
    }
    let value: AnswerValue = null;
    if (!(q.optional && isSkip(raw))) {
      const r = parseAnswer(q.answer, raw, this.parseContext());
      if (!r.ok) return this.invalid(p, r);
      value = r.value;
    }
    this.answered();
    this.continueItem(s, { ...cp, item: { ...cp.item, [q.id]: value } });
  }

  /** Asks the item's first unanswered question, or completes the item. */
  private continueItem(s: CollectStep, cp: CollectProgress): void {
    const next = s.questions.findIndex((q) => !(q.id in cp.item));
    if (next === -1) return this.completeItem(s, cp);
    this.state.collect = { ...cp, question: next };
    this.sendPrompt(this.prompt()!);
  }

  private completeItem(s: CollectStep, cp: CollectProgress): void {
    const key = listKey(s);
    const items = [...cp.items, cp.item];
    this.state.lists[key] = items;
    this.events.push({ type: 'item_collected', step: s.id, key, kind: s.kind, index: items.length - 1, item: cp.item });
    if (s.item_done) this.say(s.id, this.render(s.item_done, { item: cp.item, itemQuestions: s.questions, count: items.length }));
    if (items.length >= s.max) return this.finishCollect(s);
    const [card, ...rest] = cp.cards ?? [];
    if (card) return this.continueItem(s, withCards({ question: 0, item: this.fillCard(s, {}, card), items }, rest));
    if (items.length < s.min) return this.continueItem(s, { question: 0, item: {}, items });
    this.state.collect = { question: -1, item: {}, items };
    this.sendPrompt(this.prompt()!);
  }

  private finishCollect(s: CollectStep): void {
    this.state.collect = null;
    this.runFrom(this.ix.following.get(s.id) ?? null);
  }

  /**
   * Shared contact cards. In a `contact` collect the first card fills the current item's `name` and `phone` questions
   * (by convention those ids) and the others wait in `collect.cards`, each becoming the next item.
   */
  private contactCards(cards: readonly ContactCard[]): void {
    const id = this.state.stepId;
    const s = id === null ? undefined : this.ix.byId.get(id);
    const p = this.prompt();
    if (!p) return this.reprompt();
    if (s?.type === 'collect' && s.kind === 'contact' && this.state.collect && cards.length > 0) {
      const cp = this.state.collect;
      const [first, ...rest] = cards as [ContactCard, ...ContactCard[]];
      this.answered();
      if (cp.question === -1) return this.continueItem(s, withCards({ question: 0, item: this.fillCard(s, {}, first), items: cp.items }, [...(cp.cards ?? []), ...rest]));
      if (this.cardFits(s, cp.item)) {
        return this.continueItem(s, withCards({ ...cp, item: this.fillCard(s, cp.item, first) }, [...(cp.cards ?? []), ...rest]));
      }
      return this.continueItem(s, withCards(cp, [...(cp.cards ?? []), ...cards]));
    }
    if (p.spec.type === 'phone' && cards[0]) return this.answer(cards[0].phone);
    this.invalid(p, { ok: false, problem: 'input:contact' });
  }

  /** True when the item still lacks a name or a phone that a card can give. */
  private cardFits(s: CollectStep, item: Item): boolean {
    return s.questions.some((q) => (q.id === 'name' || q.id === 'phone') && !(q.id in item));
  }

  private fillCard(s: CollectStep, item: Item, card: ContactCard): Item {
    const filled: Item = { ...item };
    for (const q of s.questions) {
      if (q.id in filled) continue;
      if (q.id === 'name' && card.name.trim() !== '') filled.name = card.name.trim().slice(0, 200);
      if (q.id === 'phone') {
        const r = parseAnswer(q.answer, card.phone, this.parseContext());
        if (r.ok) filled.phone = r.value; // else the phone question is asked
      }
    }
    return filled;
  }

  // ---- running steps -----------------------------------------------------------------------------------------------

  /** Runs steps from `id` until one waits for the patient, hands off or ends. */
  private runFrom(start: string | null): void {
    let id = start;
    for (;;) {
      if (id === null) return this.complete(null);
      this.visited += 1;
      if (this.visited > this.flow.settings.max_steps_per_turn) {
        throw new FlowFault('flow:step_cap', `more than ${this.flow.settings.max_steps_per_turn} steps in one turn (a loop?) at step "${id}"`, id);
      }
      const s: Step | undefined = this.ix.byId.get(id);
      if (!s) throw new FlowFault('flow:unknown_step', `no step "${id}"${this.lastStep ? ` (after "${this.lastStep}")` : ''}`, this.lastStep);
      this.lastStep = s.id;
      switch (s.type) {
        case 'say':
          this.say(s.id, this.render(s.text));
          id = this.ix.following.get(s.id) ?? null;
          break;
        case 'ask':
          this.state.stepId = s.id;
          this.state.collect = null;
          this.state.invalid = 0;
          this.sendPrompt(this.prompt()!);
          return;
        case 'branch':
          id = this.branch(s);
          break;
        case 'collect':
          this.state.collect = null;
          return this.enterCollect(s);
        case 'handoff':
          this.say(s.id, s.text ? this.render(s.text) : this.sys('handoff'));
          this.escalate('flow_handoff', s.priority, s.id, s.reason);
          this.state.stepId = this.ix.following.get(s.id) ?? null;
          this.state.collect = null;
          return;
        case 'end':
          if (s.text) this.say(s.id, this.render(s.text));
          return this.complete(s.id);
      }
    }
  }

  private branch(s: BranchStep): string {
    for (const c of s.cases) if (this.matches(c.when, s.id)) return c.next;
    return s.default;
  }

  private matches(condition: Record<string, unknown>, stepId: string): boolean {
    const cp = this.state.collect;
    const data = {
      answers: this.state.answers,
      lists: this.state.lists,
      case: this.state.case,
      lang: this.state.lang,
      ...(cp ? { item: cp.item, count: cp.items.length } : {}),
    };
    try {
      return testCondition(condition, data);
    } catch (e) {
      if (e instanceof ConditionError) throw new FlowFault('flow:bad_condition', `condition of step "${stepId}": ${e.message}`, stepId);
      throw e;
    }
  }

  private complete(stepId: string | null): void {
    this.events.push({ type: 'completed', step: stepId ?? this.lastStep ?? this.state.stepId ?? this.ix.startId });
    this.state.status = 'completed';
    this.state.stepId = null;
    this.state.collect = null;
    this.state.invalid = 0;
    this.state.reminders = 0;
  }

  // ---- events ------------------------------------------------------------------------------------------------------

  private escalate(reason: EscalationReason, priority: Priority, stepId: string | null, detail?: string): void {
    this.events.push({ type: 'escalated', step: stepId, reason, priority, ...(detail !== undefined ? { detail } : {}) });
    this.state.status = 'handed_off';
    this.state.confirmingStop = false;
  }

  /** The turn so far, plus the flow problem as an `error` event; the chat goes to a tracer. */
  fail(fault: FlowFault): TurnResult {
    this.events.push({ type: 'error', code: fault.code, message: fault.message, step: fault.step });
    this.say(fault.step, this.sys('handoff'));
    this.escalate('flow_error', 'high', fault.step);
    return this.result();
  }

  private say(stepId: string | null, text: string): void {
    if (text.trim() === '') return;
    this.message(stepId, text, null);
  }

  private message(stepId: string | null, text: string, expects: AnswerSpec['type'] | null, choices?: OutChoice[], requestPhone = false): void {
    this.events.push({
      type: 'message',
      step: stepId,
      text,
      expects,
      ...(choices && choices.length > 0 ? { choices } : {}),
      ...(requestPhone ? { requestPhone: true } : {}),
    });
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  /** A system text in the conversation's language; a flow's override may use templates like any other text. */
  private sys(key: SystemTextKey): string {
    const t = systemText(this.flow, key, this.state.lang);
    return t.includes('{{') ? renderTemplate(t, this.scope()) : t;
  }

  private render(text: LocalizedText, extra: Partial<Pick<TemplateScope, 'item' | 'itemQuestions' | 'count'>> = {}): string {
    const raw = pickText(text, this.state.lang, this.flow.default_language);
    return raw.includes('{{') ? renderTemplate(raw, this.scope(extra)) : raw;
  }

  private scope(extra: Partial<Pick<TemplateScope, 'item' | 'itemQuestions' | 'count'>> = {}): TemplateScope {
    const cp = this.state.collect;
    const ix = this.ix;
    const s = cp ? ix.byId.get(this.state.stepId ?? '') : undefined;
    return {
      lang: this.state.lang,
      fallbackLang: this.flow.default_language,
      answers: this.state.answers,
      case: this.state.case,
      lists: this.state.lists,
      ...(cp ? { item: cp.item, count: cp.items.length, ...(s?.type === 'collect' ? { itemQuestions: s.questions } : {}) } : {}),
      ...extra,
      answerSpec: (key) => ix.answerSpecs.get(key),
      listQuestions: (key) => ix.listQuestions.get(key),
    };
  }

  private parseContext(): ParseContext {
    this.today ??= localDate(this.clock.now, this.flow.settings.timezone);
    return { today: this.today, lang: this.state.lang, answers: this.state.answers, defaultCountry: this.defaultCountry };
  }
}

function withCards(cp: CollectProgress, cards: readonly ContactCard[]): CollectProgress {
  const { cards: _old, ...rest } = cp;
  return cards.length > 0 ? { ...rest, cards: [...cards] } : rest;
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
