import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { InboundContent } from '../../domain/channel.js';

/** A message the fake platform delivered to a patient's "phone". */
export interface FakeDelivery {
  id: string;
  text: string;
  choices: { value: string; label: string }[];
  requestPhone: boolean;
  at: number;
}

/** One message a patient sent, kept so the platform can deliver it again. */
interface FakeSent {
  id: string;
  content: InboundContent;
  at: number;
}

const MAX_TEXT = 4096;

/**
 * An in-memory messaging platform: patients' phones on one side, the bot on the other. It behaves like the real ones where
 * it matters for tests and demos: per-platform message ids, a length limit, unreachable users, redelivery.
 */
export class FakePlatform extends EventEmitter {
  readonly maxTextLength = MAX_TEXT;
  private seq = 0;
  /**
   * Differs on every start, so message ids never repeat across restarts: the pipeline de-duplicates inbound messages by
   * id, and a restarted platform that counted from 1 again had new patients' messages dropped as duplicates (issue 12).
   */
  private readonly boot = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  private readonly phones = new Map<string, FakeDelivery[]>();
  private readonly sent = new Map<string, FakeSent[]>();
  private readonly unreachable = new Set<string>();
  /** What the service answered to each message handed to it: accepted (stored) or refused (the platform keeps it). */
  private readonly answers = new Map<string, 'accepted' | 'refused'>();

  /** Mark a user as one the platform refuses to deliver to. */
  block(userId: string): void {
    this.unreachable.add(userId);
  }

  /** True when the platform would refuse delivery. */
  isUnreachable(userId: string): boolean {
    return this.unreachable.has(userId);
  }

  /** The patient sends something; returns the platform message id. Emits `patient-message`. */
  patientSends(userId: string, content: InboundContent, now = Date.now()): string {
    const id = `f${this.boot}-${++this.seq}`;
    const list = this.sent.get(userId) ?? [];
    list.push({ id, content, at: now });
    this.sent.set(userId, list);
    this.emit('patient-message', { userId, id, content, at: now });
    return id;
  }

  /** Deliver the patient's last message again, with the same id (as real platforms do after a timeout). */
  redeliverLast(userId: string): void {
    const last = this.sent.get(userId)?.at(-1);
    if (last) this.emit('patient-message', { userId, id: last.id, content: last.content, at: last.at });
  }

  /** The service's answer to a patient message, once it gave one (like a platform's 2xx or error for a webhook call). */
  answerTo(id: string): 'accepted' | 'refused' | undefined {
    return this.answers.get(id);
  }

  /** Record the service's answer to a patient message (called by the fake channel's hand-over). */
  answered(id: string, answer: 'accepted' | 'refused'): void {
    this.answers.set(id, answer);
  }

  /** Deliver one earlier message of the patient again, with its id (a platform retrying what was not acknowledged). */
  redeliver(userId: string, id: string): void {
    const m = this.sent.get(userId)?.find((s) => s.id === id);
    if (m) this.emit('patient-message', { userId, id: m.id, content: m.content, at: m.at });
  }

  /** The bot delivers one message; the caller has already split it to the length limit. */
  deliver(userId: string, d: Omit<FakeDelivery, 'id'>): string {
    const id = `b${this.boot}-${++this.seq}`;
    const list = this.phones.get(userId) ?? [];
    const delivery = { id, ...d };
    list.push(delivery);
    this.phones.set(userId, list);
    this.emit('bot-message', { userId, delivery });
    return id;
  }

  /** Every chat the platform has seen (a patient wrote, or the bot wrote first, e.g. to a contact's phone), in first-seen order. */
  chats(): string[] {
    return [...new Set([...this.sent.keys(), ...this.phones.keys()])];
  }

  /** What the patient's phone shows. */
  inbox(userId: string): FakeDelivery[] {
    return [...(this.phones.get(userId) ?? [])];
  }

  /** The last bot message that offered a choice with this label. */
  findChoice(userId: string, label: string): { value: string; label: string } | undefined {
    const list = this.phones.get(userId) ?? [];
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!.choices.find((x) => x.label === label);
      if (c) return c;
    }
    return undefined;
  }
}
