import type { ChannelName } from '../channel.js';

/** An accepted patient message whose turn has not committed yet. */
export interface PendingInbound {
  id: number;
  channel: ChannelName;
  channelUserId: string;
  channelMessageId: string;
  /** The mailbox item, JSON. */
  item: string;
}

/** Accepted inbound messages, recorded before the channel is acknowledged; SQLite's copy of what Redis mailboxes hold. */
export interface InboundRepository {
  /** Record an accepted message (a repeat of the same channel message id is ignored). */
  record(row: { channel: ChannelName; channelUserId: string; channelMessageId: string; item: string; now: number }): void;
  /** Mark a message handled; called in the turn's transaction. */
  markHandled(channel: ChannelName, channelMessageId: string, now: number): void;
  /** The channel message id of the newest unhandled message of a chat other than `except`, if any (a cheap check). */
  newestUnhandledOther(channel: ChannelName, channelUserId: string, except: string): string | undefined;
  /** Unhandled messages of one chat, oldest first, at most `limit`. */
  unhandledForChat(channel: ChannelName, channelUserId: string, limit: number): PendingInbound[];
  /** Unhandled messages after id `afterId`, oldest first, at most `limit`. */
  unhandled(afterId: number, limit: number): PendingInbound[];
  /**
   * Where an accepted message stands in its chat: `pending` (not handled, nothing later handled), `later_handled` (not
   * handled, but a later message of the chat was), `handled`, or `unknown` (no row: pruned or never recorded).
   */
  orderState(channel: ChannelName, channelMessageId: string): 'pending' | 'later_handled' | 'handled' | 'unknown';
  /** Delete rows handled before `before`; returns how many. */
  pruneHandled(before: number): number;
}
