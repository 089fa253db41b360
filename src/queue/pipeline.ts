import { DelayedError, Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Channel, ChannelName, InboundMessage } from '../domain/channel.js';
import type { LiveEvent, LivePublisher } from '../domain/live-events.js';
import type { MailboxItem } from '../domain/mailbox-item.js';
import type { PipelinePort } from '../domain/pipeline-port.js';
import type { Repositories } from '../domain/repositories/index.js';
import { DeliveryService } from '../services/delivery.js';
import type { FlowRegistry } from '../services/flow-registry.js';
import type { Metrics } from '../services/metrics.js';
import { OUTBOX_KEEP_MS, OutboxDispatcher, type DispatchJob } from '../services/outbox-dispatcher.js';
import { GroupCommit } from '../services/group-commit.js';
import { StructuredRecords } from '../services/structured-records.js';
import { writeSoon } from '../services/write-soon.js';
import { ConversationService, type ContactInviteDeps, type MonitoringTurns, type TurnOutcome } from '../services/turn/index.js';
import { handleEventJob, handleWebhookJob } from './event-jobs.js';
import { DrainJob, SendJob, TimerJob, chatKey } from './jobs.js';
import { Mailboxes, type EnqueueOutcome } from './mailbox.js';
import { QueueNames, outboundQueueName } from './names.js';
import { BatchDrain } from './batch-drain.js';
import { DeadLetterReplay } from './dead-letters.js';
import { coalescingPublisher } from './live-bus.js';
import { RedisRecovery } from './recovery.js';
import { KEEP, PRUNE_EVERY_MS, STALL, errorName } from './worker-defaults.js';

export interface PipelineOptions {
  redis: Redis;
  prefix: string;
  /** The repositories over the product database (built once by the composition root). */
  stores: Repositories;
  flows: FlowRegistry;
  logger: Logger;
  live: LivePublisher;
  metrics: Metrics;
  clock: () => number;
  defaultFlow: string;
  defaultCountry: string;
  /** The identity-check flow for unlinked Telegram/WhatsApp chats (absent: they start the interview unlinked). */
  verifyFlow?: string;
  /** Telegram contact invites (issue 16); absent: none are offered. */
  contactInvites?: ContactInviteDeps;
  concurrency: number;
  webhookUrls: readonly string[];
  webhookSecret?: string;
  /** How often the sweepers look for lost work (ms). */
  sweepEveryMs?: number;
  /** How long a dead-lettered item rests before it is tried again (default 5 min; tests use less). */
  deadLetterReplayAfterMs?: number;
  /**
   * Test instrumentation, awaited around each mailbox item a drain handles (`start` before the turn, `end` after it).
   * Throwing at `start` fails the item as a crash in the turn would.
   */
  onItem?: (phase: 'start' | 'end', key: string, item: MailboxItem) => void | Promise<void>;
  monitoring?: { turns: MonitoringTurns; onEvent(event: string, data: Record<string, unknown>): Promise<void> }; // issue 16: rules, events
}

/** Rate limits of one channel's outbound queue (BullMQ's limiter is global per queue, across all workers). */
export interface OutboundLimits {
  max: number;
  durationMs: number;
  concurrency?: number;
}

/**
 * The message pipeline: per-chat ordered inbound mailboxes, the engine turn in one SQLite transaction, a transactional
 * outbox dispatched to per-channel outbound queues, structured records and webhooks, and timers. Adapters only call
 * `enqueueInbound`; workers (possibly in other processes) do the rest.
 */
export class Pipeline implements PipelinePort {
  /** Holds one `drain` job per chat with a non-empty mailbox (the mailboxes themselves are Redis lists). */
  readonly mailboxDrains: Queue;
  readonly events: Queue;
  readonly webhooks: Queue;
  readonly timers: Queue;
  private readonly outboundQueues = new Map<ChannelName, Queue>();
  readonly mailboxes: Mailboxes;
  readonly conversations: ConversationService;
  readonly dispatcher: OutboxDispatcher;
  private readonly delivery: DeliveryService;
  private readonly records: StructuredRecords;
  readonly recovery: RedisRecovery;
  private readonly deadLetters: DeadLetterReplay;
  private readonly workers: Worker[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private lastPrune = 0;
  private readonly live: LivePublisher;

  constructor(private readonly o: PipelineOptions) {
    this.live = coalescingPublisher(o.live);
    const q = (name: string, defaults: JobsOptions = {}) =>
      this.watch(new Queue(name, { connection: o.redis, prefix: o.prefix, defaultJobOptions: { ...KEEP, ...defaults } }));
    this.mailboxDrains = q(QueueNames.mailboxDrains);
    this.events = q(QueueNames.events, { attempts: 10, backoff: { type: 'exponential', delay: 500 } });
    this.webhooks = q(QueueNames.webhooks, { attempts: 12, backoff: { type: 'exponential', delay: 1000 } });
    this.timers = q(QueueNames.timers, { attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
    this.mailboxes = new Mailboxes({ redis: o.redis, prefix: o.prefix, queue: this.mailboxDrains });
    this.conversations = new ConversationService({
      stores: o.stores,
      flows: o.flows,
      defaultFlow: o.defaultFlow,
      defaultCountry: o.defaultCountry,
      verifyFlow: o.verifyFlow,
      contactInvites: o.contactInvites, monitoring: o.monitoring?.turns, // issue 16
    });
    const groupCommit = new GroupCommit(o.stores.transactions);
    const add = async (queue: Queue, jobs: DispatchJob[]) => {
      await queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId, ...(j.delayMs ? { delay: j.delayMs } : {}) } })));
    };
    this.dispatcher = new OutboxDispatcher(o.stores.outbox, { outbound: (c, jobs) => add(this.outbound(c), jobs), events: (jobs) => add(this.events, jobs) }, o.clock);
    this.delivery = new DeliveryService(o.stores, o.clock);
    this.records = new StructuredRecords(o.stores);
    const { inbound, timers } = o.stores;
    const resendUndelivered = (delayMs: number) => this.dispatcher.resendUndelivered(delayMs);
    this.recovery = new RedisRecovery({ redis: o.redis, prefix: o.prefix, inbound, timers, resendUndelivered, mailboxes: this.mailboxes, timerQueue: this.timers, logger: o.logger, clock: o.clock, groupCommit });
    const enqueue = (key: string, item: MailboxItem) => this.mailboxes.enqueue(key, item);
    const replayAfterMs = o.deadLetterReplayAfterMs;
    this.deadLetters = new DeadLetterReplay({ redis: o.redis, mailboxPrefix: this.mailboxes.keyPrefix, inbound, enqueue, logger: o.logger, clock: o.clock, replayAfterMs });
  }

  /** The outbound queue of a channel. */
  outbound(channel: ChannelName): Queue {
    let queue = this.outboundQueues.get(channel);
    if (!queue) {
      queue = this.watch(
        new Queue(outboundQueueName(channel), {
          connection: this.o.redis,
          prefix: this.o.prefix,
          defaultJobOptions: { ...KEEP, attempts: 8, backoff: { type: 'exponential', delay: 1000 } },
        }),
      );
      this.outboundQueues.set(channel, queue);
    }
    return queue;
  }

  /** All queues, for Bull Board and metrics. */
  queues(): Queue[] {
    return [this.mailboxDrains, this.events, this.webhooks, this.timers, ...this.outboundQueues.values()];
  }

  /**
   * What a channel adapter calls for each patient message, before it acknowledges the platform: record it in SQLite, then
   * de-duplicate and put it in its chat's mailbox (see RedisRecovery.accept).
   */
  async enqueueInbound(message: InboundMessage): Promise<EnqueueOutcome> {
    const r = await this.recovery.accept(message, this.o.clock());
    if (r === 'queued') this.o.metrics.messagesIn.inc({ channel: message.channel });
    return r;
  }

  /** Start the mailbox-drain, events, webhooks and timers workers and the sweepers (the `worker` role). */
  startWorkers(): void {
    const { o } = this;
    const opts = { connection: o.redis, prefix: o.prefix };
    const drains = new BatchDrain<TurnOutcome>({
      mailboxes: this.mailboxes,
      write: (fn) => writeSoon(o.stores.transactions, fn),
      savepoint: (fn) => o.stores.transactions.savepoint(fn),
      handle: (_key, item) => {
        const outcome = this.conversations.handle(item, o.clock());
        if (outcome.errors.length) o.logger.warn({ conversationId: outcome.conversationId, codes: outcome.errors }, 'flow problems during a turn');
        return outcome;
      },
      afterCommit: (batch) => this.afterCommit(batch),
      // The drain job itself succeeds (it carries many chats); the failing chat is tried again by a job of its own.
      onFailure: (error, retry) => {
        o.metrics.jobsFailed.inc({ queue: QueueNames.mailboxDrains });
        o.logger.warn({ err: errorName(error), retry }, retry ? 'a turn failed; its chat is tried again shortly' : 'a turn failed too often; the item went to the dead letters');
      },
      onItem: o.onItem,
    });
    this.track(
      new Worker(QueueNames.mailboxDrains, async (job: Job) => drains.run(DrainJob.parse(job.data).key), {
        ...opts,
        ...STALL,
        concurrency: o.concurrency,
      }),
    );
    this.track(
      new Worker(
        QueueNames.events,
        async (job: Job) => handleEventJob(job.data, { ...o, outbox: o.stores.outbox, records: this.records, webhooks: this.webhooks }),
        { ...opts, ...STALL, concurrency: Math.max(2, Math.floor(o.concurrency / 2)) },
      ),
    );
    this.track(
      new Worker(
        QueueNames.webhooks,
        async (job: Job) => handleWebhookJob(job.data, { outbox: o.stores.outbox, webhookSecret: o.webhookSecret }),
        { ...opts, ...STALL, concurrency: 8 },
      ),
    );
    this.track(
      new Worker(
        QueueNames.timers,
        async (job: Job) => {
          const t = TimerJob.parse(job.data);
          const conv = o.stores.conversations.byId(t.conversationId);
          if (!conv) return;
          // De-duplicated by job id: a retried timer job (or a re-sent enqueue after a Redis blip) must not remind twice.
          await this.mailboxes.enqueue(
            chatKey(conv.channel, conv.channelUserId),
            { type: 'timer', timer: t.timer, conversationId: t.conversationId, id: String(job.id), enqueuedAt: o.clock() },
            `timer:${String(job.id)}`,
          );
        },
        { ...opts, ...STALL, concurrency: 4 },
      ),
    );
    // Rebuild what Redis may have lost while nothing ran (a no-op repeat when it lost nothing).
    void this.recovery.recoverIfLost(true).catch((error: unknown) => o.logger.warn({ err: errorName(error) }, 'rebuild at start failed; the sweeper retries'));
    const every = o.sweepEveryMs ?? 2000;
    this.sweeper = setInterval(() => {
      void this.sweep().catch((error: unknown) => o.logger.warn({ err: errorName(error) }, 'sweep failed; will retry'));
    }, every);
    this.sweeper.unref();
  }

  /** Start the outbound worker of one channel (the `channels` role: it runs where the channel's connection lives). */
  startOutbound(channel: Channel, limits?: OutboundLimits): void {
    const { o } = this;
    const name = outboundQueueName(channel.name);
    const worker: Worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        const data = SendJob.parse(job.data);
        const r = await this.delivery.deliver(data, channel);
        await this.publish(r.live);
        if (r.kind === 'wait') {
          // Not a failure: spends no attempt.
          await job.moveToDelayed(Date.now() + r.ms, token);
          throw new DelayedError();
        }
        if (r.kind === 'done') {
          if (data.inboundAt) o.metrics.inboundToOutbound.observe((o.clock() - data.inboundAt) / 1000);
          o.metrics.messagesOut.inc({ channel: channel.name, result: 'sent' }, r.sent);
          return r.sent;
        }
        if (r.kind === 'retry_after') {
          // Honour the platform's retry_after for the whole queue, without spending an attempt.
          await worker.rateLimit(r.ms);
          throw Worker.RateLimitError();
        }
        if (r.kind === 'unreachable') {
          o.metrics.messagesOut.inc({ channel: channel.name, result: 'unreachable' });
          await this.dispatcher.dispatch(r.outboxIds);
          throw new UnrecoverableError('recipient unreachable');
        }
        throw new Error(`transient send failure: ${r.detail}`);
      },
      {
        connection: o.redis,
        prefix: o.prefix,
        ...STALL,
        concurrency: limits?.concurrency ?? 8,
        ...(limits ? { limiter: { max: limits.max, duration: limits.durationMs } } : {}),
      },
    );
    worker.on('failed', (job, error) => {
      if (!job) return;
      const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
      if (exhausted && !(error instanceof UnrecoverableError)) {
        // Retries used up on a transient error: stop retrying, tell a person.
        const parsed = SendJob.safeParse(job.data);
        if (parsed.success) {
          const r = this.delivery.markUnreachable(parsed.data, 'delivery failed after retries');
          void this.publish(r.live);
          void this.dispatcher.dispatch(r.outboxIds);
        }
      }
    });
    this.track(worker);
  }

  /** Dispatch committed outbox rows now. */
  async flushOutbox(): Promise<void> {
    await this.dispatcher.sweep(0);
  }

  /** Run the engine's resume turn for a conversation handed back to the bot, and dispatch its replies. */
  async resume(conversationId: number, stepId?: string): Promise<void> {
    const outcome = this.conversations.resume(conversationId, stepId, this.o.clock());
    await this.afterCommit([outcome]);
  }

  /** Redispatch lost work (outbox rows not dispatched, mailboxes whose drain job was lost); hourly, prune the sent outbox. */
  async sweep(): Promise<void> {
    // Redis came back empty (the marker is gone): put back accepted messages, timers and undelivered replies first.
    if (await this.recovery.lostData()) await this.recovery.recoverIfLost();
    await this.dispatcher.sweep();
    await this.mailboxes.sweep();
    await this.deadLetters.replayDue();
    const now = this.o.clock();
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      const pruned = this.dispatcher.prune();
      const handled = this.o.stores.inbound.pruneHandled(now - OUTBOX_KEEP_MS);
      if (pruned || handled) this.o.logger.info({ pruned, handled }, 'pruned dispatched outbox rows and handled inbound records');
    }
  }

  private async afterCommit(batch: TurnOutcome[]): Promise<void> {
    await this.dispatcher.dispatch(batch.flatMap((b) => b.outboxIds));
    const timers = batch.flatMap((b) => b.timers);
    // The turn stored them with their due time; the delayed jobs are only the cache that wakes the worker.
    if (timers.length) await this.recovery.cacheTimers(timers.map((t) => ({ ...t, kind: t.timer, dueAt: this.o.clock() + t.delayMs })));
    await this.publish(batch.flatMap((b) => b.live));
    for (const item of batch.flatMap((b) => b.followUps)) await this.mailboxes.enqueue(chatKey(item.channel, item.channelUserId), item, `follow-up:${item.id}`);
  }

  private async publish(events: LiveEvent[]): Promise<void> {
    // Live updates are a convenience (browsers re-fetch on reconnect): a failed publish must not fail the committed work.
    if (!events.length) return;
    await this.live.publishMany(events).catch((error: unknown) => this.o.logger.warn({ err: errorName(error) }, 'live publish failed'));
  }

  private watch(queue: Queue): Queue {
    // Without a listener BullMQ prints connection errors (Redis restarting) to the console; they belong in the log.
    queue.on('error', (error) => this.o.logger.warn({ queue: queue.name, err: errorName(error) }, 'queue connection error'));
    return queue;
  }

  private track(worker: Worker): void {
    const name = worker.name;
    worker.on('completed', () => this.o.metrics.jobsProcessed.inc({ queue: name }));
    worker.on('failed', (job, error) => {
      this.o.metrics.jobsFailed.inc({ queue: name });
      this.o.logger.warn({ queue: name, jobId: job?.id, attempt: job?.attemptsMade, err: errorName(error) }, 'job failed');
    });
    worker.on('error', (error) => this.o.logger.warn({ queue: name, err: errorName(error) }, 'worker error'));
    this.workers.push(worker);
  }

  /** Stop taking jobs, let running ones finish, close queues. */
  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all(this.queues().map((q) => q.close()));
  }
}
