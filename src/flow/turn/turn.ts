import { answerMatches, choicesFor, isSkip, parseAnswer } from '../answers/index.js';
import { ConditionError, testCondition } from '../conditions.js';
import type { AskStep, BranchStep, Step } from '../definition.js';
import { FlowFault } from '../flow-fault.js';
import { matchKeyword } from '../keywords.js';
import type { AnswerValue, EngineInput } from '../types.js';
import { CollectTurn } from './collect-turn.js';
import { YES_NO, type Prompt } from './turn-core.js';

/** One sprint of the engine: handles one input (keywords, answers, reminders, hand-backs) and runs steps until the next wait. */
export class Turn extends CollectTurn {
  /** Applies one input to the state, pushing the events it causes (see the decisions listed in `../engine.ts`). */
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
  protected answerOrOther(text: string | null): void {
    if (this.state.status === 'new') return this.begin();
    if (this.state.status === 'completed') return this.say(null, this.sys('already_completed'));
    if (text !== null) this.answer(text);
  }

  protected begin(): void {
    this.state.status = 'active';
    this.runFrom(this.ix.startId);
  }

  /** Handles a global keyword; false when `text` is not one. */
  protected keyword(text: string): boolean {
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

  protected sendStopConfirm(): void {
    this.message(this.state.stepId, this.sys('stop_confirm'), 'yes_no', choicesFor(YES_NO, this.state.lang));
  }

  /** The reply to "are you sure you want to stop?"; false when it is no yes/no (the patient moved on: handle it normally). */
  protected stopConfirmation(text: string): boolean {
    this.state.confirmingStop = false;
    const again = matchKeyword(text, this.flow.languages)?.kind === 'stop';
    // Read without the pending question: an answer to that question ("batuk dikit") must never confirm stopping.
    const { question: _question, key: _key, ...plain } = this.parseContext();
    const r = again ? ({ ok: true, value: true } as const) : parseAnswer(YES_NO, text, plain);
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

  /** Sends what the conversation waits for again (the stop confirmation, the current question, or the start). */
  protected reprompt(): void {
    if (this.state.confirmingStop) return this.sendStopConfirm();
    if (this.state.status === 'new') return this.begin();
    if (this.state.status !== 'active') return;
    const p = this.prompt();
    if (p) return this.sendPrompt(p);
    // Waiting on a step that is not a question (or a collect with no progress): run it, which asks again.
    this.runFrom(this.state.stepId);
  }

  protected reminder(): void {
    this.state.reminders += 1;
    if (this.state.reminders > this.flow.settings.max_reminders) {
      if (this.flow.settings.escalate_unresponsive) this.escalate('unresponsive', 'normal', this.state.stepId);
      return;
    }
    this.events.push({ type: 'reminder_due', step: this.state.stepId, count: this.state.reminders });
    this.say(this.state.stepId, this.sys('reminder'));
    this.reprompt();
  }

  /** A tracer hands back: continue at `stepId` (which must exist) or where the conversation stopped. */
  protected resume(stepId: string | undefined): void {
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

  protected answer(raw: string): void {
    const id = this.state.stepId;
    const s = id === null ? undefined : this.ix.byId.get(id);
    const p = this.prompt();
    if (!s || !p) return this.reprompt();
    if (s.type === 'ask') return this.answerAsk(s, p, raw);
    if (s.type === 'collect') return this.answerCollect(s, p, raw);
    this.reprompt();
  }

  protected answerAsk(s: AskStep, p: Prompt, raw: string): void {
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
    if (s.verify) this.verify(s, value, raw);
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

  /** Saves whether the typed answer matched what we know (`verify`); the known value is read here and never said. */
  protected verify(s: AskStep, value: AnswerValue, raw: string): void {
    const v = s.verify!;
    const ok = answerMatches(s.answer, value, this.contextValue(v.against), v.except === undefined ? undefined : this.contextValue(v.except));
    this.state.answers[v.save_as] = ok;
    this.events.push({ type: 'answer_saved', step: s.id, key: v.save_as, value: ok, raw });
  }

  /** The value behind `case.x`, `contact.x` or `monitoring.x`. */
  protected contextValue(path: string): unknown {
    const [root, key] = path.split('.', 2) as [string, string];
    if (root === 'case') return this.state.case[key];
    if (root === 'contact') return this.state.contact?.[key];
    if (root === 'monitoring') return this.state.monitoring?.[key];
    return undefined;
  }

  /** A sticker, voice note, photo or a location where text is needed: "please type", then the question again. */
  protected notText(what: string): void {
    const p = this.prompt();
    if (!p) return this.reprompt();
    if (this.countInvalid(p, `input:${what === 'location' ? 'location' : 'media'}`)) return;
    this.say(p.step, this.sys('please_type'));
    this.sendPrompt(p);
  }

  /** Runs steps from `id` until one waits for the patient, hands off or ends. */
  protected runFrom(start: string | null): void {
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

  protected branch(s: BranchStep): string {
    for (const c of s.cases) if (this.matches(c.when, s.id)) return c.next;
    return s.default;
  }

  protected matches(condition: Record<string, unknown>, stepId: string): boolean {
    const cp = this.state.collect;
    const data = {
      answers: this.state.answers,
      lists: this.state.lists,
      case: this.state.case,
      contact: this.state.contact ?? {},
      monitoring: this.state.monitoring ?? {},
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
}
