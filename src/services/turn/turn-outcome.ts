import type { ChannelName } from '../../domain/channel.js';
import type { LiveEvent } from '../../domain/live-events.js';
import type { MailboxItem } from '../../domain/mailbox-item.js';

/**
 * A reminder or expiry timer to arm: delivered back through the chat's mailbox. Timers are armed when a conversation starts
 * waiting and re-armed lazily when one fires early (the patient answered since), so an ordinary turn costs no timer work.
 */
export interface TimerRequest {
  timer: 'reminder' | 'expire';
  conversationId: number;
  channel: ChannelName;
  channelUserId: string;
  delayMs: number;
}

/** A mailbox item a turn leaves for after its commit: it names its chat. */
export type FollowUp = Extract<MailboxItem, { type: 'outreach' | 'monitoring' }>;

/** What one handled mailbox item committed; the caller dispatches the outbox, arms timers and publishes live events. */
export interface TurnOutcome {
  conversationId: number | null;
  outboxIds: number[];
  live: LiveEvent[];
  timers: TimerRequest[];
  /** Engine problems (`area:reason`) for the log. */
  errors: string[];
  duplicate: boolean;
  /** Items to put in chats' mailboxes after the commit (a contact who became a case starts the interview in their chat). */
  followUps: FollowUp[];
}

/** An outcome with nothing in it yet. */
export function emptyOutcome(): TurnOutcome {
  return { conversationId: null, outboxIds: [], live: [], timers: [], errors: [], duplicate: false, followUps: [] };
}

/** A flow duration (`30s`, `10m`, `4h`, `2d`) in milliseconds. */
export function durationMs(d: string): number {
  const n = Number(d.slice(0, -1));
  const unit = d.at(-1);
  return n * (unit === 's' ? 1e3 : unit === 'm' ? 60e3 : unit === 'h' ? 3600e3 : 86400e3);
}
