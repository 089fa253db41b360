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

/** Live events between processes: workers publish after each commit, every web process hears them and streams them to browsers. */
export interface LiveBus extends LivePublisher {
  /** Publish several events as one message (a turn's events go together: one Redis round trip instead of one each). */
  publishMany(events: LiveEvent[]): Promise<void>;
  /** Listen to every event (from any process); returns the function that stops listening. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}
