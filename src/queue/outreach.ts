import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelName } from '../domain/channel.js';
import { ChannelUnavailableError } from '../domain/errors.js';
import { errorFields, logEvent, logId } from '../domain/log-event.js';
import type { CasesRepository } from '../domain/repositories/cases.js';
import type { MonitoringRepository } from '../domain/repositories/monitoring.js';
import { ContactOutreachJob, OutreachJob, chatKey } from './jobs.js';
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
  /** Contacts under follow-up are notified through the same path (issue 16). */
  monitoring?: Pick<MonitoringRepository, 'outreachTarget' | 'markQueued' | 'markNeedsCall'>;
  mailboxes: Mailboxes;
  clock: () => number;
  logger: Logger;
  /** The longest wait between checks while the channel has no connection (no attempt spent; 1 s at first). Default 30 s. */
  waitMs?: number;
  /** After waiting this long for a connection, outreach gives up: the case needs a call. Default 24 h. */
  maxWaitMs?: number;
  /** How often asks whose job was lost are looked for (default 60 s). */
  resumeEveryMs?: number;
  /** How old an ask must be before `resume` looks at it (default 60 s: a younger one still has its job on the way). */
  resumeAfterMs?: number;
  /** First retry delay after a failed attempt (doubling; 6 attempts). Default 5 s. */
  backoffMs?: number;
}

const ATTEMPTS = 6;
/** An ask younger than this still has its job on the way; older ones without progress are looked at by `resume`. */
const RESUME_AFTER_MS = 60_000;
/** The job name of a contact's notification (a case's outreach is `outreach`). */
const CONTACT_JOB = 'notify-contact';

/**
 * Writing first to confirmed cases: a job per case checks the number on the outreach channel; a reachable number gets the
 * interview's first message through the chat's mailbox (so it is ordered with any reply), an unreachable one marks the case
 * for a tracer to call. Runs in the process that holds the channel.
 *
 * Issue 12: waiting for the channel's connection spends no attempt (the job moves to delayed and keeps when it started
 * waiting in its data), and an outreach that gives up (attempts spent, or waited `maxWaitMs`) always leaves the case
 * `needs_call` with the reason in the audit log, never just a failed job.
 */
export class Outreach {
  readonly queue: Queue;
  private worker: Worker | undefined;
  private resumer: NodeJS.Timeout | undefined;

  constructor(private readonly o: OutreachOptions) {
    this.queue = new Queue('outreach', {
      connection: o.redis,
      prefix: o.prefix,
      defaultJobOptions: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: o.backoffMs ?? 5000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
    });
  }

  /**
   * Ask for outreach to these cases (repeated asks within a minute are one job). The ask is stored on the case first, so a
   * job that Redis loses is added again by `resume` under the same id.
   */
  async request(caseIds: number[]): Promise<void> {
    const minute = Math.floor(this.o.clock() / 60_000);
    this.o.cases.markOutreachRequested(caseIds, minute * 60_000);
    await this.addCaseJobs(caseIds.map((caseId) => ({ caseId, minute })));
  }

  /**
   * Add again the job of every case whose outreach was asked for and which is still `new` (issue 12: Redis lost its data).
   * The job id is the one the ask created, so where the job still exists (waiting, delayed, done) nothing is added.
   */
  async resume(): Promise<number> {
    const pending = this.o.cases.pendingOutreach(this.o.clock() - (this.o.resumeAfterMs ?? RESUME_AFTER_MS), 1000);
    await this.addCaseJobs(pending.map((p) => ({ caseId: p.id, minute: Math.floor(p.outreachRequestedAt / 60_000) })));
    return pending.length;
  }

  private async addCaseJobs(jobs: { caseId: number; minute: number }[]): Promise<void> {
    if (jobs.length) await this.queue.addBulk(jobs.map(({ caseId, minute }) => ({ name: 'outreach', data: { caseId }, opts: { jobId: `outreach-${caseId}-${minute}` } })));
  }

  /** Ask for the first message to these contacts under follow-up (a repeat within a minute is one job). */
  async requestContacts(enrolmentIds: number[]): Promise<void> {
    const minute = Math.floor(this.o.clock() / 60_000);
    await this.queue.addBulk(enrolmentIds.map((enrolmentId) => ({ name: CONTACT_JOB, data: { enrolmentId }, opts: { jobId: `notify-${enrolmentId}-${minute}` } })));
  }

  /** Start working on outreach jobs with this channel. */
  start(channel: NumberChecker): void {
    this.worker = new Worker(
      'outreach',
      async (job: Job, token?: string) => {
        try {
          return job.name === CONTACT_JOB ? await this.processContact(job, token, channel) : await this.process(job, token, channel);
        } catch (err) {
          if (err instanceof DelayedError) throw err;
          // The last attempt: the case must not stay `new` behind a silent failed job.
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) this.giveUp(job, 'outreach:failed');
          throw err;
        }
      },
      { connection: this.o.redis, prefix: this.o.prefix, concurrency: 2 },
    );
    this.worker.on('failed', (job, error) =>
      logEvent(this.o.logger, 'warn', 'outreach attempt failed', { jobId: logId(job?.id ?? ''), attemptsMade: job?.attemptsMade, ...errorFields(error) }),
    );
    // Where the worker runs, asks whose job Redis lost are added again: at start and then every `resumeEveryMs`.
    const resume = () => void this.resume().catch((error: unknown) => logEvent(this.o.logger, 'warn', 'outreach resume failed', errorFields(error)));
    resume();
    this.resumer = setInterval(resume, this.o.resumeEveryMs ?? RESUME_AFTER_MS);
    this.resumer.unref();
  }

  private async process(job: Job, token: string | undefined, channel: NumberChecker): Promise<string> {
    const { o } = this;
    const data = OutreachJob.parse(job.data);
    const c = o.cases.byId(data.caseId);
    if (!c || !['new', 'contacting', 'needs_call'].includes(c.status)) return 'skipped';
    if (!c.phone) {
      o.cases.markNeedsCall(c.id, o.clock());
      return 'no_phone';
    }
    let r: Awaited<ReturnType<NumberChecker['checkNumber']>>;
    try {
      r = await channel.checkNumber(c.phone);
    } catch (err) {
      if (!(err instanceof ChannelUnavailableError) || !token) throw err;
      return this.waitForChannel(job, token, data, err);
    }
    const userId = r.userId ?? r.jid;
    if (!r.exists || !userId) {
      o.cases.markNeedsCall(c.id, o.clock());
      logEvent(o.logger, 'info', 'number not reachable on the outreach channel: case needs a call', { caseId: c.id, channel: channel.name });
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
  }

  /**
   * A contact under follow-up: a number on the channel gets the notification run through the chat's mailbox; no phone, or a
   * number not on the channel, puts the contact on the tracers' call list.
   */
  private async processContact(job: Job, token: string | undefined, channel: NumberChecker): Promise<string> {
    const { o } = this;
    const data = ContactOutreachJob.parse(job.data);
    const t = o.monitoring?.outreachTarget(data.enrolmentId);
    if (!o.monitoring || !t || t.status !== 'active' || (t.notifyStatus !== 'pending' && t.notifyStatus !== 'queued')) return 'skipped';
    if (!t.phone) {
      o.monitoring.markNeedsCall(data.enrolmentId, 'no_phone', o.clock());
      return 'no_phone';
    }
    let r: Awaited<ReturnType<NumberChecker['checkNumber']>>;
    try {
      r = await channel.checkNumber(t.phone);
    } catch (err) {
      if (!(err instanceof ChannelUnavailableError) || !token) throw err;
      return this.waitForChannel(job, token, data, err);
    }
    const userId = r.userId ?? r.jid;
    if (!r.exists || !userId) {
      o.monitoring.markNeedsCall(data.enrolmentId, 'not_on_channel', o.clock());
      logEvent(o.logger, 'info', 'contact not reachable on the outreach channel: needs a call', { enrolmentId: data.enrolmentId, channel: channel.name });
      return 'not_on_channel';
    }
    o.monitoring.markQueued(data.enrolmentId, channel.name, userId, o.clock());
    await o.mailboxes.enqueue(
      chatKey(channel.name, userId),
      { type: 'monitoring', action: 'notify', enrolmentId: data.enrolmentId, channel: channel.name, channelUserId: userId, id: String(job.id), enqueuedAt: o.clock() },
      `monitoring:notify:${data.enrolmentId}`,
    );
    return 'sent';
  }

  /** No connection: check again in `waitMs` without spending an attempt, or give up once the job waited `maxWaitMs`. */
  private async waitForChannel(job: Job, token: string, data: OutreachJob | ContactOutreachJob, err: ChannelUnavailableError): Promise<string> {
    const now = this.o.clock();
    const waitingSince = data.waitingSince ?? now;
    if (now - waitingSince >= (this.o.maxWaitMs ?? 24 * 3600_000)) {
      this.giveUp(job, 'outreach:channel_unavailable');
      return 'channel_unavailable';
    }
    if (data.waitingSince === undefined) await job.updateData({ ...data, waitingSince });
    logEvent(this.o.logger, 'info', 'outreach waits for the channel', { jobId: logId(job.id ?? ''), ...('caseId' in data ? { caseId: data.caseId } : { enrolmentId: data.enrolmentId }), error: err.code });
    // Check again soon after a short outage, then every `waitMs`: the wait grows with the time already waited.
    await job.moveToDelayed(Date.now() + Math.min(this.o.waitMs ?? 30_000, Math.max(1_000, now - waitingSince)), token);
    throw new DelayedError();
  }

  /** Outreach will not reach this case: a tracer calls (status `needs_call`, reason in the audit log). */
  private giveUp(job: Job, reason: 'outreach:failed' | 'outreach:channel_unavailable'): void {
    if (job.name === CONTACT_JOB) {
      const c = ContactOutreachJob.safeParse(job.data);
      if (c.success) this.o.monitoring?.markNeedsCall(c.data.enrolmentId, reason === 'outreach:failed' ? 'failed' : 'channel_unavailable', this.o.clock());
      return;
    }
    const parsed = OutreachJob.safeParse(job.data);
    if (!parsed.success) return;
    const changed = this.o.cases.markNeedsCall(parsed.data.caseId, this.o.clock(), { reason, jobId: String(job.id) });
    logEvent(this.o.logger, 'warn', 'outreach gave up: case needs a call', { jobId: logId(job.id ?? ''), caseId: parsed.data.caseId, error: reason, changed });
  }

  /** Stop the worker and close the queue. */
  async close(): Promise<void> {
    if (this.resumer) clearInterval(this.resumer);
    await this.worker?.close();
    await this.queue.close();
  }
}
