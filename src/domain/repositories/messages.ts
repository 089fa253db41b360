import type { ChannelName } from '../channel.js';

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
  status: 'received' | 'queued' | 'sent' | 'failed';
  sentAt: number | null;
  now: number;
}

/** An outbound message with the chat it goes to, as delivery needs it. */
export interface OutboundMessageRecord {
  id: number;
  conversationId: number;
  text: string | null;
  payload: string | null;
  status: 'received' | 'queued' | 'sent' | 'failed';
  channelUserId: string;
}

/** The transcript (both directions). */
export interface MessagesRepository {
  /** True when this platform message was already recorded (inbound de-duplication). */
  inboundExists(channel: ChannelName, channelMessageId: string): boolean;
  /** Store a line; returns its id. */
  insert(m: NewMessage): number;
  outbound(id: number): OutboundMessageRecord | undefined;
  markSent(id: number, channelMessageId: string | null, at: number): void;
  /** Mark failed unless it was sent meanwhile. */
  markFailed(id: number, error: string): void;
  /** True when the conversation has a queued reply older than `beforeId`, created after `since` (ordering of sends). */
  hasEarlierQueued(conversationId: number, beforeId: number, since: number): boolean;
  /** The text of a reply we sent on `channel` that the platform knows as `channelMessageId` (WhatsApp re-asks for it). */
  sentText(channel: ChannelName, channelMessageId: string): string | undefined;
}
