import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { logEvent } from '../domain/log-event.js';
import { parseMailboxItem, type MailboxItem } from '../domain/mailbox-item.js';
import type { InboundRepository } from '../domain/repositories/inbound.js';

/**
 * A mailbox item moved aside after repeated failures, with the chat it belongs to (so it can go back there) and how often it
 * was put back already. The list holds this as JSON; `item` is the mailbox payload as it was.
 */
export const DeadEntry = z.object({ key: z.string(), item: z.string(), at: z.number(), replays: z.number().int().min(0) });
export type DeadEntry = z.infer<typeof DeadEntry>;

/** The dead-letter list's key and the hash counting replays per item, under a mailbox prefix (`<prefix>:mb`). */
export function deadKeys(mailboxPrefix: string): { list: string; replays: string } {
  return { list: `${mailboxPrefix}:dead`, replays: `${mailboxPrefix}:dead-replays` };
}

/** Move an item of chat `key` to the dead-letter list, remembering how often it was replayed before. */
export async function buryItem(redis: Redis, mailboxPrefix: string, key: string, item: string, at: number): Promise<void> {
  const k = deadKeys(mailboxPrefix);
  const replays = Number((await redis.hget(k.replays, item)) ?? 0);
  const entry: DeadEntry = { key, item, at, replays };
  await redis.rpush(k.list, JSON.stringify(entry));
}

/** Read the dead-letter list; an entry that does not parse (written by an older version) is kept as a bare item. */
export async function readDead(redis: Redis, mailboxPrefix: string): Promise<DeadEntry[]> {
  const raw = await redis.lrange(deadKeys(mailboxPrefix).list, 0, -1);
  return raw.map((text) => parseEntry(text) ?? { key: '', item: text, at: 0, replays: Number.MAX_SAFE_INTEGER });
}

export interface DeadLetterReplayOptions {
  redis: Redis;
  /** The mailboxes' key prefix (`<prefix>:mb`). */
  mailboxPrefix: string;
  inbound: InboundRepository;
  /** Put an item back at the end of its chat's mailbox. */
  enqueue(key: string, item: MailboxItem): Promise<unknown>;
  logger: Logger;
  clock: () => number;
  /** How long an item rests in the list before it is tried again (a full disk or a locked database needs time). Default 5 min. */
  replayAfterMs?: number | undefined;
  /** Rounds of replay per item; a message that still fails after them (a bug, not an outage) stays for an operator. Default 3. */
  maxReplays?: number;
}

/** What one replay pass did. */
export interface ReplayReport {
  replayed: number;
  /** Messages whose chat has since handled a later message: replaying would answer them out of order. */
  outOfOrder: number;
  /** Items already handled (nothing to do) or of no use any more: removed. */
  dropped: number;
}

/**
 * Issue 12: an item dead-lettered because SQLite could not write (disk full, database locked past the busy timeout) is
 * tried again once the outage is likely over, so an outage loses no accepted message. Order per chat is kept: entries go
 * back in the order they died, and a message whose chat has already handled a later one stays in the list (answering it
 * now would apply it to the wrong question); its `inbound_pending` row stays unhandled for an operator to see.
 */
export class DeadLetterReplay {
  private readonly replayAfterMs: number;
  private readonly maxReplays: number;

  constructor(private readonly o: DeadLetterReplayOptions) {
    this.replayAfterMs = o.replayAfterMs ?? 5 * 60_000;
    this.maxReplays = o.maxReplays ?? 3;
  }

  /** Put back every entry that has rested long enough and has replays left. */
  async replayDue(): Promise<ReplayReport> {
    const { o } = this;
    const k = deadKeys(o.mailboxPrefix);
    const report: ReplayReport = { replayed: 0, outOfOrder: 0, dropped: 0 };
    const raw = await o.redis.lrange(k.list, 0, -1);
    const now = o.clock();
    for (const text of raw) {
      const entry = parseEntry(text);
      if (!entry || entry.at > now - this.replayAfterMs || entry.replays >= this.maxReplays) continue;
      const item = parseMailboxItem(entry.item);
      if (!item) continue;
      if (item.type === 'message') {
        const state = o.inbound.orderState(item.message.channel, item.message.channelMessageId);
        if (state === 'later_handled') {
          report.outOfOrder++;
          continue;
        }
        if (state === 'handled') {
          if ((await o.redis.lrem(k.list, 1, text)) === 1) report.dropped++;
          continue;
        }
      }
      // Removing first makes a concurrent pass (another worker) skip it: only the one that removed it puts it back.
      if ((await o.redis.lrem(k.list, 1, text)) !== 1) continue;
      await o.redis.hincrby(k.replays, entry.item, 1);
      await o.redis.expire(k.replays, 30 * 24 * 3600);
      await o.enqueue(entry.key, item);
      report.replayed++;
    }
    if (report.replayed || report.outOfOrder || report.dropped) logEvent(o.logger, 'info', 'pipeline:dead_letters_replayed', { ...report });
    return report;
  }
}

function parseEntry(text: string): DeadEntry | undefined {
  try {
    const r = DeadEntry.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
