import { isSkip, parseAnswer } from '../answers/index.js';
import type { CollectStep } from '../definition.js';
import { listKey } from '../flow-index.js';
import { isNoneAnswer } from '../keywords.js';
import type { AnswerValue, CollectProgress, Item } from '../types.js';
import { TurnCore, YES_NO, type Prompt } from './turn-core.js';

/** A contact shared from the patient's address book. */
export type ContactCard = { name: string; phone: string };

/**
 * `collect` steps: a list of items (contacts, places) asked question by question, ended by "any other?" or by the
 * patient saying "none" once `min` items are in; shared contact cards fill items without typing.
 */
export abstract class CollectTurn extends TurnCore {
  /** Runs steps from `id` until one waits for the patient, hands off or ends. */
  protected abstract runFrom(start: string | null): void;
  /** Sends what the conversation waits for again. */
  protected abstract reprompt(): void;
  /** Takes `raw` as the answer to what the conversation waits for. */
  protected abstract answer(raw: string): void;

  protected enterCollect(s: CollectStep): void {
    const items = this.state.lists[listKey(s)] ?? [];
    if (items.length >= s.max) return this.runFrom(this.ix.following.get(s.id) ?? null);
    this.state.stepId = s.id;
    this.state.invalid = 0;
    if (s.intro) this.say(s.id, this.render(s.intro, { count: items.length }));
    this.state.collect = { question: 0, item: {}, items };
    this.sendPrompt(this.prompt()!);
  }

  protected answerCollect(s: CollectStep, p: Prompt, raw: string): void {
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
  protected continueItem(s: CollectStep, cp: CollectProgress): void {
    const next = s.questions.findIndex((q) => !(q.id in cp.item));
    if (next === -1) return this.completeItem(s, cp);
    this.state.collect = { ...cp, question: next };
    this.sendPrompt(this.prompt()!);
  }

  protected completeItem(s: CollectStep, cp: CollectProgress): void {
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

  protected finishCollect(s: CollectStep): void {
    this.state.collect = null;
    this.runFrom(this.ix.following.get(s.id) ?? null);
  }

  /**
   * Shared contact cards. In a `contact` collect the first card fills the current item's `name` and `phone` questions
   * (by convention those ids) and the others wait in `collect.cards`, each becoming the next item.
   */
  protected contactCards(cards: readonly ContactCard[]): void {
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
  protected cardFits(s: CollectStep, item: Item): boolean {
    return s.questions.some((q) => (q.id === 'name' || q.id === 'phone') && !(q.id in item));
  }

  protected fillCard(s: CollectStep, item: Item, card: ContactCard): Item {
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
}

function withCards(cp: CollectProgress, cards: readonly ContactCard[]): CollectProgress {
  const { cards: _old, ...rest } = cp;
  return cards.length > 0 ? { ...rest, cards: [...cards] } : rest;
}
