import type { Lang } from '../flow/definition.js';

/** An event the web app streams to browsers (Server-Sent Events), carried between processes over Redis pub/sub. */
export interface LiveEvent {
  type: 'message.created' | 'message.updated' | 'escalation.created' | 'escalation.updated' | 'conversation.updated';
  conversationId: number;
  escalationId?: number;
  messageId?: number;
  /** Epoch ms. */
  at: number;
}

/** Publishes live events to every web process. */
export interface LivePublisher {
  publish(event: LiveEvent): Promise<void>;
  /** Several events in one message. */
  publishMany(events: LiveEvent[]): Promise<void>;
}

/** What the inbox needs from the message pipeline; implemented by the pipeline, used by web routes and services. */
export interface PipelinePort {
  /** Dispatch committed outbox rows (replies, webhooks) to their queues now, instead of waiting for the sweeper. */
  flushOutbox(): Promise<void>;
  /**
   * Give a conversation back to the bot at `stepId` (or where it stopped): runs the engine's resume turn and sends its
   * question. Ownership must already be `bot` (set by the caller's hand-back transaction).
   */
  resume(conversationId: number, stepId?: string): Promise<void>;
}

/** Canned replies for tracers, per language. */
export type CannedReplies = Record<Lang, { title: string; text: string }[]>;
