import { performance } from 'node:perf_hooks';
import { FakePlatform, type FakeDelivery } from '../src/channels/fake/index.js';

/** What a patient can send, as the fake platform takes it. */
type InboundContent = Parameters<FakePlatform['patientSends']>[1];

/**
 * What a simulated patient types through the default interview (flows/case-interview.yaml), one answer per bot question:
 * a greeting opens the chat, consent, symptoms since yesterday, isolation at home, two close contacts (one with a
 * number, one without), no places, the summary confirmed. 21 messages, the interview ends completed.
 */
export const INTERVIEW_ANSWERS: readonly string[] = [
  'halo',
  'ya',
  'ya',
  'kemarin',
  'demam, batuk',
  'rumah',
  '2',
  'Budi Santoso',
  '081234567890',
  'rumah',
  'kemarin',
  'tidak',
  'ya',
  'Siti Aminah',
  'tidak tahu',
  'kantor',
  'kemarin',
  'ya',
  'tidak',
  'tidak ada',
  'ya',
];

/** The case every simulated patient proves to be (bench-system.ts seeds it): its number and date of birth are typed. */
export const BENCH_CASE = { externalId: 'BENCH-1', name: 'Budi Santoso', dateOfBirth: '1990-03-14', typed: '14/03/1990' } as const;

/**
 * What a simulated patient types on the running system: every chat starts with the identity check (issue 17), so after
 * the greeting the patient types BENCH_CASE's number and date of birth, then the interview's answers. 23 messages.
 */
export const PATIENT_SCRIPT: readonly string[] = ['halo', BENCH_CASE.externalId, BENCH_CASE.typed, ...INTERVIEW_ANSWERS.slice(1)];

/**
 * A FakePlatform that keeps no history: the stock one stores every message of every phone for the demo page, which over a
 * bench run would be the harness's memory counted as the system's peak RSS.
 */
export class LeanPlatform extends FakePlatform {
  private ids = 0;

  override patientSends(userId: string, content: InboundContent, now = Date.now()): string {
    const id = `p${++this.ids}`;
    this.emit('patient-message', { userId, id, content, at: now });
    return id;
  }

  override deliver(userId: string, d: Omit<FakeDelivery, 'id'>): string {
    const id = `r${++this.ids}`;
    this.emit('bot-message', { userId, delivery: { id, ...d } });
    return id;
  }

  override inbox(): FakeDelivery[] {
    return [];
  }
}

/** One simulated patient: where it is in the script and whether it waits for the bot. */
export interface Patient {
  readonly userId: string;
  /** Index of the next answer to send. */
  next: number;
  /** performance.now() when the unanswered message was handed to the channel, or null when not waiting. */
  sentAt: number | null;
}

export interface PatientDriverOptions {
  platform: FakePlatform;
  /** Distinguishes chats of different runs/phases sharing one database. */
  tag: string;
  script?: readonly string[];
}

/** Called when the bot has answered a patient: the latency of that round trip, and whether the script is finished. */
export type ReplyListener = (patient: Patient, latencyMs: number, finished: boolean) => void;

/**
 * Drives simulated patients over the fake platform. A patient sends one answer and waits: the bot's reply (every part of it,
 * delivered in the same tick by one send job) ends the round trip, timed from the moment the answer was handed to the channel
 * to the first part delivered. What happens next (answer at once, or wait in an idle pool) is up to the load generator.
 */
export class PatientDriver {
  readonly script: readonly string[];
  private readonly patients = new Map<string, Patient>();
  private seq = 0;
  private listener: ReplyListener = () => {};
  /** Messages handed to the channel. */
  sent = 0;
  /** Round trips completed. */
  answered = 0;
  started = 0;
  completed = 0;

  private readonly onBot = (e: { userId: string }) => {
    const p = this.patients.get(e.userId);
    if (!p || p.sentAt === null) return;
    const latency = performance.now() - p.sentAt;
    p.sentAt = null;
    // The other parts of this reply are delivered in the same tick: answer after them, as a person would.
    setImmediate(() => {
      this.answered++;
      const finished = p.next >= this.script.length;
      if (finished) {
        this.completed++;
        this.patients.delete(p.userId);
      }
      this.listener(p, latency, finished);
    });
  };

  constructor(private readonly o: PatientDriverOptions) {
    this.script = o.script ?? PATIENT_SCRIPT;
    o.platform.on('bot-message', this.onBot);
  }

  /** Set what happens when a reply arrives. */
  onReply(listener: ReplyListener): void {
    this.listener = listener;
  }

  /** A new patient who opens the chat with the first line of the script. */
  spawn(): Patient {
    const p: Patient = { userId: `${this.o.tag}-${++this.seq}`, next: 0, sentAt: null };
    this.patients.set(p.userId, p);
    this.started++;
    this.send(p);
    return p;
  }

  /** Send the patient's next answer. */
  send(p: Patient): void {
    const text = this.script[p.next++]!;
    p.sentAt = performance.now();
    this.sent++;
    this.o.platform.patientSends(p.userId, { kind: 'text', text });
  }

  /** Patients waiting for the bot right now. */
  waiting(): number {
    let n = 0;
    for (const p of this.patients.values()) if (p.sentAt !== null) n++;
    return n;
  }

  /** Wait until no patient waits for the bot, or `timeoutMs`; returns how many still wait. */
  async settle(timeoutMs: number): Promise<number> {
    const until = performance.now() + timeoutMs;
    while (this.waiting() > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
    // Let the replies' setImmediate callbacks run.
    await new Promise((r) => setImmediate(r));
    return this.waiting();
  }

  /** Stop listening to the platform. */
  close(): void {
    this.o.platform.off('bot-message', this.onBot);
  }
}
