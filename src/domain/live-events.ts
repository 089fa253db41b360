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
