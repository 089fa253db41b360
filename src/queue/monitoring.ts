import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LivePublisher } from '../domain/live-events.js';
import type { MonitoringPolicy } from '../domain/monitoring.js';
import type { Repositories } from '../domain/repositories/index.js';
import { enrolExposure, monitoringTick, recordTestResult, type MonitoringActions, type ResultActor, type TestResultOutcome, type TickReport } from '../services/monitoring/index.js';
import type { FollowUp } from '../services/turn/index.js';
import { chatKey } from './jobs.js';
import type { Mailboxes } from './mailbox.js';
import { KEEP, STALL, errorName } from './worker-defaults.js';

export interface MonitoringSchedulerOptions {
  redis: Redis;
  prefix: string;
  stores: Repositories;
  policy(): MonitoringPolicy;
  mailboxes: Mailboxes;
  /** Dispatch committed outbox rows (the pipeline's dispatcher). */
  dispatch(outboxIds: number[]): Promise<void>;
  live: LivePublisher;
  /** Ask outreach to write to these records' contacts (absent: no channel to notify on; they stay pending). */
  notify?(enrolmentIds: number[]): Promise<void>;
  /** Ask outreach to write to these cases (a contact who became a case and has no chat yet). */
  outreachCases?(caseIds: number[]): Promise<void>;
  startCodeTtlMs: number;
  clock: () => number;
  logger: Logger;
  /** How often the running system ticks. */
  everyMs: number;
}

/**
 * The running system's side of following contacts (issue 16): a repeatable BullMQ job runs the tick every `everyMs`
 * (stored rows with due times decide what happens: a repeated or late tick repeats nothing), its items go into the chats'
 * mailboxes (ordered with the contacts' own messages), and each named contact is enrolled and notified as soon as the
 * event that recorded them is processed.
 */
export class MonitoringScheduler implements MonitoringActions {
  readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(private readonly o: MonitoringSchedulerOptions) {
    this.queue = new Queue('monitoring', { connection: o.redis, prefix: o.prefix, defaultJobOptions: { ...KEEP, attempts: 3, backoff: { type: 'exponential', delay: 2000 } } });
    this.queue.on('error', (error) => o.logger.warn({ queue: 'monitoring', err: errorName(error) }, 'queue connection error'));
  }

  /** Run the scheduler as if the clock read `at`, and carry out what it asks (mailbox items, outreach, outbox, live). */
  async tick(at: number): Promise<TickReport> {
    const report = monitoringTick(this.o.stores, this.o.policy(), at);
    await this.o.dispatch(report.outboxIds);
    if (report.live.length) await this.o.live.publishMany(report.live).catch((error: unknown) => this.o.logger.warn({ err: errorName(error) }, 'live publish failed'));
    await this.enqueue(report.items);
    if (report.notify.length) await this.o.notify?.(report.notify);
    if (report.planned || report.items.length || report.enrolled || report.released || report.unresponsive) {
      this.o.logger.info({ date: report.date, enrolled: report.enrolled, planned: report.planned, queued: report.items.length, missed: report.missed, unresponsive: report.unresponsive, released: report.released }, 'monitoring tick');
    }
    return report;
  }

  /** Put follow-up items (check-ins, releases, a case interview for a contact who tested positive) into their chats' mailboxes. */
  async enqueue(items: FollowUp[]): Promise<void> {
    for (const item of items) await this.o.mailboxes.enqueue(chatKey(item.channel, item.channelUserId), item, `monitoring:${item.id}`);
  }

  /** Record a lab result (tracer or API) and carry out what it asks: events, the interview in the chat, or outreach. */
  async recordTestResult(contactId: number, r: { result: 'positive' | 'negative'; testedAt: string }, actor: ResultActor): Promise<TestResultOutcome> {
    const out = recordTestResult(this.o.stores, contactId, r, actor, { policy: this.o.policy(), now: this.o.clock(), startCodeTtlMs: this.o.startCodeTtlMs });
    if (out.kind !== 'recorded') return out;
    await this.o.dispatch(out.outboxIds);
    await this.enqueue(out.followUps);
    if (out.outreachCaseIds.length) await this.o.outreachCases?.(out.outreachCaseIds);
    return out;
  }

  /** After the registry recorded a named contact (`contact.elicited`): enrol the exposure and notify the contact now. */
  async onEvent(event: string, data: Record<string, unknown>): Promise<void> {
    if (event !== 'contact.elicited') return;
    const { conversationId, key, index } = data;
    if (typeof conversationId !== 'number' || typeof key !== 'string' || typeof index !== 'number') return;
    const x = this.o.stores.monitoring.exposureToEnrolBySource(`${conversationId}:${key}:${index}`);
    if (!x) return;
    const r = enrolExposure(this.o.stores, x, this.o.policy(), this.o.clock());
    if (r.kind === 'enrolled' && r.created) await this.o.notify?.([r.enrolmentId]);
  }

  /** Tick every `everyMs` (one repeatable job for all processes). */
  async start(): Promise<void> {
    await this.queue.upsertJobScheduler('monitoring-tick', { every: this.o.everyMs }, { name: 'tick', data: {} });
    this.worker = new Worker(
      'monitoring',
      async () => {
        const r = await this.tick(this.o.clock());
        return { planned: r.planned, queued: r.items.length };
      },
      { connection: this.o.redis, prefix: this.o.prefix, ...STALL, concurrency: 1 },
    );
    this.worker.on('failed', (_job, error) => this.o.logger.warn({ queue: 'monitoring', err: errorName(error) }, 'monitoring tick failed'));
  }

  /** Stop ticking and close the queue. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
