import type { Repositories } from '../../domain/repositories/index.js';
import type { MailboxItem } from '../../domain/mailbox-item.js';
import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import type { FlowDefinition } from '../../flow/definition.js';
import type { ConversationState, EngineEvent } from '../../flow/types.js';
import type { TurnOutcome } from './turn-outcome.js';

/** The published flows a turn reads (FlowRegistry implements it). */
export interface FlowLookup {
  /** The latest published version of a flow. */
  latest(flowId: string): { flowId: string; version: number; flow: FlowDefinition } | undefined;
  /** One published version. */
  get(flowId: string, version: number): FlowDefinition | undefined;
}

/** The repositories a turn writes through, in one transaction. */
export type TurnStores = Pick<
  Repositories,
  'transactions' | 'conversations' | 'messages' | 'answers' | 'escalations' | 'outbox' | 'cases' | 'inbound' | 'timers' | 'consent' | 'contactInvites' | 'monitoring'
>;

/** Everything a turn needs; no state of its own between calls. */
export interface TurnDeps {
  stores: TurnStores;
  flows: FlowLookup;
  defaultFlow: string;
  defaultCountry: string;
  /** The flow every new chat starts on, on every channel: the person proves who they are before the interview. */
  verifyFlow?: string;
  /** Telegram contact invites (issue 16); absent: a Telegram patient is offered no message to forward. */
  contactInvites?: ContactInviteDeps;
  /** The contact follow-up rules; absent, monitoring items do nothing. */
  monitoring?: MonitoringTurns;
}

/** Who an invite chat turned out to be; the monitoring service links the chat to that contact's follow-up. */
export interface InviteIdentified {
  contactId: number;
  caseId: number;
  conversationId: number;
  channel: ConversationRecord['channel'];
  channelUserId: string;
}

/** How the turn reaches the monitoring service for invites (wired by the composition root; absent, no link is offered). */
export interface ContactInviteDeps {
  /** The bot's @username without '@' (the link is `https://t.me/<username>?start=<code>`); undefined while not known yet. */
  botUsername(): string | undefined;
  /** Link the chat to the contact's follow-up, inside the turn's transaction; false when there is nothing to follow. */
  identified?: (who: InviteIdentified, now: number, out: TurnOutcome) => boolean;
}

/** A finished turn of a conversation, as the monitoring rules see it (inside the turn's transaction). */
export interface MonitoredTurn {
  conv: ConversationRecord;
  state: ConversationState;
  events: EngineEvent[];
  /** Set when a message from the person caused the turn. */
  lastInboundAt: number | null;
  now: number;
}

/** What the monitoring rules change in the turn being written: the state to store instead, and whether to close the chat. */
export interface MonitoredTurnChange {
  state?: ConversationState;
  closedReason?: string;
}

/** Following contacts (issue 16), called by the turn: implemented in src/services/monitoring. */
export interface MonitoringTurns {
  /** Open the contact's run for a monitoring item (notification, check-in, release). */
  start(d: TurnDeps, item: Extract<MailboxItem, { type: 'monitoring' }>, now: number): TurnOutcome;
  /** Apply the loop's rules to a turn of a contact's run (answers, completion); undefined when it is not one. */
  afterTurn(d: TurnDeps, t: MonitoredTurn, out: TurnOutcome): MonitoredTurnChange | undefined;
}
