import { choicesFor, localDate, reaskText, type ParseContext } from '../answers/index.js';
import type { AnswerSpec, FlowDefinition, LocalizedText } from '../definition.js';
import type { FlowIndex } from '../flow-index.js';
import type { FlowFault } from '../flow-fault.js';
import { pickText, systemText, type SystemTextKey } from '../system-texts.js';
import { renderTemplate, type TemplateScope } from '../templates.js';
import type { Clock, ConversationState, EngineEvent, EscalationReason, OutChoice, Priority, TurnResult } from '../types.js';

/** The yes/no answer spec the engine asks itself ("are you sure?", "any other?"). */
export const YES_NO: AnswerSpec = { type: 'yes_no' };

/** What the conversation is waiting for: an ask step, one question of a collect item, or a collect's "any other?". */
export interface Prompt {
  step: string;
  text: string;
  spec: AnswerSpec;
  reask?: LocalizedText;
  optional: boolean;
  requestPhone: boolean;
}

/**
 * The state and output of one turn: the events said so far, texts in the conversation's language, what the conversation
 * waits for, invalid-answer counting and the end states (completed, handed off, failed). Steps and collect items build
 * on it (`CollectTurn`, `Turn`).
 */
export abstract class TurnCore {
  readonly events: EngineEvent[] = [];
  state: ConversationState;
  protected visited = 0;
  protected lastStep: string | null = null;
  private today: string | undefined;

  constructor(
    protected readonly flow: FlowDefinition,
    protected readonly ix: FlowIndex,
    input: ConversationState,
    protected readonly clock: Clock,
    protected readonly defaultCountry: string,
  ) {
    // Shallow copies of the two records a turn writes to; items and lists are replaced, never mutated.
    this.state = { ...input, answers: { ...input.answers }, lists: { ...input.lists } };
  }

  /** The state and events of the turn so far. */
  result(): TurnResult {
    return { state: this.state, events: this.events };
  }

  /** The turn so far, plus the flow problem as an `error` event; the chat goes to a tracer. */
  fail(fault: FlowFault): TurnResult {
    this.events.push({ type: 'error', code: fault.code, message: fault.message, step: fault.step });
    this.say(fault.step, this.sys('handoff'));
    this.escalate('flow_error', 'high', fault.step);
    return this.result();
  }

  protected escalate(reason: EscalationReason, priority: Priority, stepId: string | null, detail?: string): void {
    this.events.push({ type: 'escalated', step: stepId, reason, priority, ...(detail !== undefined ? { detail } : {}) });
    this.state.status = 'handed_off';
    this.state.confirmingStop = false;
  }

  protected say(stepId: string | null, text: string): void {
    if (text.trim() === '') return;
    this.message(stepId, text, null);
  }

  protected message(stepId: string | null, text: string, expects: AnswerSpec['type'] | null, choices?: OutChoice[], requestPhone = false): void {
    this.events.push({
      type: 'message',
      step: stepId,
      text,
      expects,
      ...(choices && choices.length > 0 ? { choices } : {}),
      ...(requestPhone ? { requestPhone: true } : {}),
    });
  }

  /** A system text in the conversation's language; a flow's override may use templates like any other text. */
  protected sys(key: SystemTextKey): string {
    const t = systemText(this.flow, key, this.state.lang);
    return t.includes('{{') ? renderTemplate(t, this.scope()) : t;
  }

  protected render(text: LocalizedText, extra: Partial<Pick<TemplateScope, 'item' | 'itemQuestions' | 'count'>> = {}): string {
    const raw = pickText(text, this.state.lang, this.flow.default_language);
    return raw.includes('{{') ? renderTemplate(raw, this.scope(extra)) : raw;
  }

  protected scope(extra: Partial<Pick<TemplateScope, 'item' | 'itemQuestions' | 'count'>> = {}): TemplateScope {
    const cp = this.state.collect;
    const ix = this.ix;
    const s = cp ? ix.byId.get(this.state.stepId ?? '') : undefined;
    return {
      lang: this.state.lang,
      fallbackLang: this.flow.default_language,
      answers: this.state.answers,
      case: this.state.case,
      ...(this.state.contact ? { contact: this.state.contact } : {}),
      ...(this.state.monitoring ? { monitoring: this.state.monitoring } : {}),
      lists: this.state.lists,
      ...(cp ? { item: cp.item, count: cp.items.length, ...(s?.type === 'collect' ? { itemQuestions: s.questions } : {}) } : {}),
      ...extra,
      answerSpec: (key) => ix.answerSpecs.get(key),
      listQuestions: (key) => ix.listQuestions.get(key),
    };
  }

  protected parseContext(): ParseContext {
    this.today ??= localDate(this.clock.now, this.flow.settings.timezone);
    const p = this.prompt();
    const s = p ? this.ix.byId.get(p.step) : undefined;
    const cp = this.state.collect;
    // The answer key: an ask step's, or the collect question being asked (not the "any other?" question).
    const key = s?.type === 'ask' ? (s.save_as ?? s.id) : s?.type === 'collect' && cp && cp.question >= 0 ? s.questions[cp.question]?.id : undefined;
    return { today: this.today, lang: this.state.lang, answers: this.state.answers, defaultCountry: this.defaultCountry, ...(p ? { question: p.text } : {}), ...(key ? { key } : {}) };
  }

  protected prompt(): Prompt | null {
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

  protected sendPrompt(p: Prompt): void {
    this.message(p.step, p.text, p.spec.type, choicesFor(p.spec, this.state.lang), p.requestPhone);
  }

  protected answered(): void {
    this.state.invalid = 0;
    this.state.reminders = 0;
  }

  protected invalid(p: Prompt, failure: { ok: false; problem: string; params?: Record<string, string | number> }, reask?: string): void {
    if (this.countInvalid(p, failure.problem)) return;
    const text = reask ?? this.reaskFor(p, failure);
    this.message(p.step, text, p.spec.type, choicesFor(p.spec, this.state.lang), p.requestPhone);
  }

  /** Counts an invalid answer; true when that was one too many and the chat went to a tracer. */
  protected countInvalid(p: Prompt, problem: string): boolean {
    this.state.invalid += 1;
    this.events.push({ type: 'invalid_answer', step: p.step, attempt: this.state.invalid, problem });
    if (this.state.invalid < this.flow.settings.max_invalid) return false;
    this.say(p.step, this.sys('too_many_invalid'));
    this.escalate('invalid_answers', 'normal', p.step);
    return true;
  }

  protected reaskFor(p: Prompt, failure: { ok: false; problem: string; params?: Record<string, string | number> }): string {
    if (p.reask) return this.render(p.reask);
    const own = this.sys(`reask_${p.spec.type}` as SystemTextKey);
    if (own) return own;
    return reaskText(p.spec, failure, this.state.lang, this.parseContext());
  }

  protected complete(stepId: string | null): void {
    this.events.push({ type: 'completed', step: stepId ?? this.lastStep ?? this.state.stepId ?? this.ix.startId });
    this.state.status = 'completed';
    this.state.stepId = null;
    this.state.collect = null;
    this.state.invalid = 0;
    this.state.reminders = 0;
  }
}
