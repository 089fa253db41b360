import type { ChannelName } from '../channel.js';

/** A transcript line's delivery state. Outbound: queued -> sent (-> delivered -> read, from platform receipts), or failed. */
export type MessageStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

/** An outbound line as a delivery receipt finds it. */
export interface ReceiptTargetRecord {
  id: number;
  conversationId: number;
  status: MessageStatus;
  channelMessageId: string | null;
}

/** A transcript line to store. */
export interface NewMessage {
  conversationId: number;
  direction: 'in' | 'out' | 'note';
  sender: 'patient' | 'bot' | 'tracer' | 'system';
  authorId?: number | null;
  kind: string;
  text: string | null;
  /** JSON. */
  payload: string | null;
  channel: ChannelName;
  channelMessageId: string | null;
  stepId: string | null;
  status: MessageStatus;
  sentAt: number | null;
  now: number;
}

/** An outbound message with the chat it goes to, as delivery needs it. */
export interface OutboundMessageRecord {
  id: number;
  conversationId: number;
  text: string | null;
  payload: string | null;
  status: MessageStatus;
  channelUserId: string;
}

/** The transcript (both directions). */
export interface MessagesRepository {
  /** True when this platform message was already recorded (inbound de-duplication). */
  inboundExists(channel: ChannelName, channelMessageId: string): boolean;
  /** Store a line; returns its id. */
  insert(m: NewMessage): number;
  /** These outbound lines with their chats, in id order (missing ids are left out). */
  outboundMany(ids: readonly number[]): OutboundMessageRecord[];
  markSent(id: number, channelMessageId: string | null, at: number): void;
  /** Mark failed unless it was sent meanwhile (sent, delivered or read). */
  markFailed(id: number, error: string): void;
  /** Our outbound line `id` on `channel` (what a receipt carrying our outbox id names). */
  outboundOn(channel: ChannelName, id: number): ReceiptTargetRecord | undefined;
  /** Our outbound line the platform knows as `channelMessageId`. */
  outboundByPlatformId(channel: ChannelName, channelMessageId: string): ReceiptTargetRecord | undefined;
  /** A held reply went out later under a new platform id: its receipts will carry that id. */
  rebindPlatformId(id: number, channelMessageId: string, at: number): void;
  /** Set a later receipt state (delivered, read) on a line already sent. */
  advanceStatus(id: number, status: 'sent' | 'delivered' | 'read'): void;
  /** A platform receipt says the message failed (even after it was sent): store the failure and its code. */
  markReceiptFailed(id: number, error: string): void;
  /** True when the conversation has a queued reply older than `beforeId`, created after `since` (ordering of sends). */
  hasEarlierQueued(conversationId: number, beforeId: number, since: number): boolean;
  /** The text of a reply we sent on `channel` that the platform knows as `channelMessageId` (WhatsApp re-asks for it). */
  sentText(channel: ChannelName, channelMessageId: string): string | undefined;
}
