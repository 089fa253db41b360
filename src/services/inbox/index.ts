export { openEscalation, type EscalationInput } from './escalate.js';
export { claim, claimNext, transfer, release, activeChatCount } from './claim.js';
export { handBack, resolve } from './finish.js';
export { reply, addNote, MAX_TEXT_LENGTH } from './messages.js';
export { editAnswer, editExposure, ExposureEdit, normalisePhone, parseLike } from './edit.js';
export {
  listQueue,
  queueCounts,
  listMessages,
  getConversationView,
  flowStepsFromDb,
  type QueueView,
  type QueueStatus,
  type QueueFilter,
  type QueueItem,
  type TranscriptMessage,
  type ConversationView,
  type ExposureView,
  type FlowStepOption,
} from './queries.js';
export { DEFAULT_CANNED_REPLIES } from './canned-replies.js';
export type { InboxStores } from './stores.js';
export { RESOLVE_OUTCOMES, type ResolveOutcome, type InboxActor, type InboxRefusal, type InboxResult } from './types.js';
export { takeOver } from './take-over.js';
export { markChatRead, queuePreviews, queueSearchTerm, unreadCounts, type QueuePreview } from './previews.js';
