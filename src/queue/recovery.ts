import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelName, InboundMessage } from '../domain/channel.js';
import { MailboxItem } from '../domain/mailbox-item.js';
import type { InboundRepository, TimerRecord, TimersRepository } from '../domain/repositories/index.js';
import type { GroupCommit } from '../services/group-commit.js';
import { chatKey } from './jobs.js';
import type { EnqueueOutcome, Mailboxes } from './mailbox.js';

/**
 * SQLite is the source of truth; Redis only a fast path (issue 12). This module writes the durable copy of each accepted
 * message before it enters Redis, and rebuilds what Redis holds (mailboxes, timer jobs, send jobs) when Redis comes back
 * empty: at start, and whenever the marker key it sets has vanished.
 */

/** How long after a detected reset undelivered replies are queued again: longer than a send in flight takes to finish. */
export const RESEND_AFTER_RESET_MS = 10_000;

/** Older accepted messages of one chat put back ahead of a new one (a larger backlog is put back by `recover`). */
const CHAT_BACKLOG = 50;

/** A timer to put in Redis: the due time is absolute, so a rebuilt job fires when the stored one would have. */
export type TimerToCache = Pick<TimerRecord, 'conversationId' | 'kind' | 'dueAt'>;

export interface RecoveryOptions {
  redis: Redis;
  prefix: string;
  inbound: InboundRepository;
  timers: TimersRepository;
  /** Queue again the send jobs of replies not yet delivered, that far in the future (OutboxDispatcher.resendUndelivered). */
  resendUndelivered(delayMs: number): Promise<number>;
  mailboxes: Mailboxes;
  timerQueue: Queue;
  logger: Logger;
  clock: () => number;
  /** Messages accepted in the same tick are recorded in one commit (absent: each on its own). */
  groupCommit?: GroupCommit;
}

/** What one recovery put back. */
export interface RecoveryReport {
  messages: number;
  timers: number;
  replies: number;
}

/** The durable intake of patient messages and the rebuild of Redis from SQLite. */
export class RedisRecovery {
  private readonly marker: string;
  private readonly token = randomUUID();

  constructor(private readonly o: RecoveryOptions) {
    this.marker = `${o.prefix}:durable-marker`;
  }

  /**
   * Accept a patient message: record it in SQLite first (the adapter acknowledges the platform only after this returns),
   * then put it, after any older message of the chat that Redis lost, into the chat's mailbox.
   */
  async accept(message: InboundMessage, enqueuedAt: number): Promise<EnqueueOutcome> {
    const { o } = this;
    const item: MailboxItem = { type: 'message', message, enqueuedAt };
    const row = { channel: message.channel, channelUserId: message.channelUserId, channelMessageId: message.channelMessageId, item: JSON.stringify(item), now: enqueuedAt };
    if (o.groupCommit) await o.groupCommit.run(() => o.inbound.record(row));
    else o.inbound.record(row);
    // Older unhandled messages of the chat are normally in its mailbox. If Redis no longer remembers the newest of them, it
    // lost its data since: they go back first, in order (older ones always enter before newer, so checking one suffices).
    // Usually there is none: only the id of the newest is read, the backlog itself only when Redis forgot it.
    const newest = o.inbound.newestUnhandledOther(message.channel, message.channelUserId, message.channelMessageId);
    if (newest !== undefined && !(await o.mailboxes.remembers(`${message.channel}:${newest}`))) {
      const older = o.inbound.unhandledForChat(message.channel, message.channelUserId, CHAT_BACKLOG).filter((r) => r.channelMessageId !== message.channelMessageId);
      for (const row of older) await this.put(row.channel, row.channelUserId, row.channelMessageId, row.item);
    }
    // A redelivery of a handled message, too: the mailbox and the turn de-duplicate it.
    return this.put(message.channel, message.channelUserId, message.channelMessageId, JSON.stringify(item));
  }

  /** Put timer jobs in Redis for these timers (one job per conversation and kind; a newer one replaces a waiting one). */
  async cacheTimers(timers: TimerToCache[]): Promise<void> {
    const now = this.o.clock();
    await Promise.all(
      timers.map((t) =>
        this.o.timerQueue.add(
          t.kind,
          { timer: t.kind, conversationId: t.conversationId },
          { delay: Math.max(0, t.dueAt - now), deduplication: { id: `${t.kind}-${t.conversationId}`, replace: true, keepLastIfActive: true } },
        ),
      ),
    );
  }

  /** True when the marker key is gone (Redis lost its data since this process, or another, last set it). */
  async lostData(): Promise<boolean> {
    return (await this.o.redis.exists(this.marker)) === 0;
  }

  /**
   * Rebuild Redis from SQLite if its data is gone (always at start: `force`). Only the process that sets the marker rebuilds,
   * and every step is idempotent (mailbox ids, timer de-duplication ids and send job ids repeat nothing already there).
   */
  async recoverIfLost(force = false): Promise<RecoveryReport | undefined> {
    const set = await this.o.redis.set(this.marker, this.token, 'NX');
    if (set !== 'OK' && !force) return undefined;
    const started = this.o.clock();
    const report = await this.recover(set === 'OK');
    this.o.logger.info({ ...report, ms: this.o.clock() - started, reset: set === 'OK' }, 'rebuilt the Redis fast path from SQLite');
    return report;
  }

  private async recover(markerWasGone: boolean): Promise<RecoveryReport> {
    const { o } = this;
    let messages = 0;
    for (let after = 0; ; ) {
      const rows = o.inbound.unhandled(after, 500);
      if (!rows.length) break;
      for (const row of rows) if ((await this.put(row.channel, row.channelUserId, row.channelMessageId, row.item)) === 'queued') messages++;
      after = rows.at(-1)!.id;
    }
    const timers = o.timers.pendingDueBy(Number.POSITIVE_INFINITY, 1_000_000);
    await this.cacheTimers(timers);
    // Where a send job is still there, a repeat adds nothing; a re-created one waits until any send in flight has ended.
    const replies = await o.resendUndelivered(markerWasGone ? RESEND_AFTER_RESET_MS : 0);
    return { messages, timers: timers.length, replies };
  }

  private async put(channel: ChannelName, channelUserId: string, channelMessageId: string, raw: string): Promise<EnqueueOutcome> {
    const item = MailboxItem.parse(JSON.parse(raw));
    return this.o.mailboxes.enqueue(chatKey(channel, channelUserId), item, `${channel}:${channelMessageId}`);
  }
}
