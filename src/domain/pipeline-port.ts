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
