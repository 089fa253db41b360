export { ConversationService } from './conversation-service.js';
export { hashStartCode } from './identify-case.js';
export type { FlowLookup, TurnDeps, TurnStores } from './turn-deps.js';
export type { TimerRequest, TurnOutcome } from './turn-outcome.js';
export { runDueTimers, type DueTimersReport } from './due-timers.js';
export { CONTACT_FLOW, type ContactInviteDeps, type InviteIdentified } from './contact-invite.js';
