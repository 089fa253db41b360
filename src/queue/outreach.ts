import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelName } from '../domain/channel.js';
import type { CasesRepository } from '../domain/repositories/cases.js';
import { OutreachJob, chatKey } from './jobs.js';
import type { Mailboxes } from './mailbox.js';

/** A channel that can tell whether a phone number is reachable on it (WhatsApp's onWhatsApp; the fake channel). */
export interface NumberChecker {
  readonly name: ChannelName;
  /** Whether the E.164 number can be messaged, and the chat id to use (`userId`, or WhatsApp's `jid`). */
  checkNumber(phoneE164: string): Promise<{ exists: boolean; userId?: string; jid?: string }>;
}

export interface OutreachOptions {
  redis: Redis;
  prefix: string;
  cases: CasesRepository;
  mailboxes: Mailboxes;
  clock: () => number;
  logger: Logger;
}

/**
 * Writing first to confirmed cases: a job per case checks the number on the outreach channel; a reachable number gets the
 * interview's first message through the chat's mailbox (so it is ordered with any reply), an unreachable one marks the case
 * for a tracer to call. Runs in the process that holds the channel.
 */
export class Outreach {
  readonly queue: Queue;
  private worker: Worker | undefined;

  constructor(private readonly o: OutreachOptions) {
    this.queue = new Queue('outreach', {
      connection: o.redis,
      prefix: o.prefix,
      defaultJobOptions: { attempts: 6, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
    });
  }

  /** Ask for outreach to these cases (repeated asks within a minute are one job). */
  async request(caseIds: number[]): Promise<void> {
    const minute = Math.floor(this.o.clock() / 60_000);
    await this.queue.addBulk(caseIds.map((caseId) => ({ name: 'outreach', data: { caseId }, opts: { jobId: `outreach-${caseId}-${minute}` } })));
  }

  /** Start working on outreach jobs with this channel. */
  start(channel: NumberChecker): void {
    const { o } = this;
    this.worker = new Worker(
      'outreach',
      async (job: Job) => {
        const { caseId } = OutreachJob.parse(job.data);
        const c = o.cases.byId(caseId);
        if (!c || !['new', 'contacting', 'needs_call'].includes(c.status)) return 'skipped';
        if (!c.phone) {
          o.cases.markNeedsCall(c.id, o.clock());
          return 'no_phone';
        }
        const r = await channel.checkNumber(c.phone);
        const userId = r.userId ?? r.jid;
        if (!r.exists || !userId) {
          o.cases.markNeedsCall(c.id, o.clock());
          o.logger.info({ caseId: c.id, channel: channel.name }, 'number not reachable on the outreach channel: case needs a call');
          return 'not_on_channel';
        }
        await o.mailboxes.enqueue(chatKey(channel.name, userId), {
          type: 'outreach',
          caseId: c.id,
          channel: channel.name,
          channelUserId: userId,
          id: String(job.id),
          enqueuedAt: o.clock(),
        });
        return 'sent';
      },
      { connection: o.redis, prefix: o.prefix, concurrency: 2 },
    );
    this.worker.on('failed', (job, error) => o.logger.warn({ jobId: job?.id, err: error.name }, 'outreach attempt failed'));
  }

  /** Stop the worker and close the queue. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
