import type { Repositories } from '../../domain/repositories/index.js';
import type { FlowDefinition } from '../../flow/definition.js';
import type { ConversationRecord } from '../../domain/repositories/conversations.js';
import type { TurnOutcome } from './turn-outcome.js';

/** The published flows a turn reads (FlowRegistry implements it). */
export interface FlowLookup {
  /** The latest published version of a flow. */
  latest(flowId: string): { flowId: string; version: number; flow: FlowDefinition } | undefined;
  /** One published version. */
  get(flowId: string, version: number): FlowDefinition | undefined;
}

/** The repositories a turn writes through, in one transaction. */
export type TurnStores = Pick<Repositories, 'transactions' | 'conversations' | 'messages' | 'answers' | 'escalations' | 'outbox' | 'cases' | 'inbound' | 'timers' | 'consent' | 'contactInvites'>;

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
