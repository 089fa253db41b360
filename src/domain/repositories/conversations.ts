import type { ChannelName } from '../channel.js';
import type { Ownership, Owner } from '../ownership.js';

/** A conversations row. `state` is the engine's ConversationState as JSON. */
export interface ConversationRecord {
  id: number;
  channel: ChannelName;
  channelUserId: string;
  caseId: number | null;
  flowId: string;
  flowVersion: number;
  stepId: string | null;
  state: string;
  owner: Owner;
  assigneeId: number | null;
  closedReason: string | null;
  optedOut: boolean;
  unreachable: boolean;
  lang: 'id' | 'en';
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

/** A new conversation; it starts with the bot (the column's default owner). */
export interface NewConversation {
  channel: ChannelName;
  channelUserId: string;
  caseId: number | null;
  flowId: string;
  flowVersion: number;
  state: string;
  lang: 'id' | 'en';
  now: number;
}

/** What a turn saves besides ownership. `null` times keep the stored value. */
export interface ConversationProgress {
  state: string;
  stepId: string | null;
  lang: 'id' | 'en';
  caseId: number | null;
  closedReason: string | null;
  optedOut: boolean;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  now: number;
}

/** Conversations. The owner column is written only by `writeOwnership`, applied through services/change-ownership.ts. */
export interface ConversationsRepository {
  byId(id: number): ConversationRecord | undefined;
  /** The chat's conversation that is not closed (at most one is). */
  openForChat(channel: ChannelName, channelUserId: string): ConversationRecord | undefined;
  /** The chat's most recent conversation, closed or not. */
  latestForChat(channel: ChannelName, channelUserId: string): ConversationRecord | undefined;
  insert(c: NewConversation): ConversationRecord;
  saveProgress(id: number, p: ConversationProgress): void;
  /** Move the conversation to another flow version (the identity check hands over to the interview). */
  setFlow(id: number, flowId: string, flowVersion: number, now: number): void;
  /** Mark the chat unreachable (a send failed for good). */
  markUnreachable(id: number, now: number): void;
  /**
   * Compare-and-set the ownership: writes `next` only if the row still has `current`, so two processes racing past their
   * reads cannot both win. `closedReason` is written with it when given. True when written.
   */
  writeOwnership(id: number, current: Ownership, next: Ownership, now: number, extra?: { closedReason?: string | null }): boolean;
}
