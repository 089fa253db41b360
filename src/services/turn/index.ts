export { ConversationService } from './conversation-service.js';
export { hashStartCode } from './identify-case.js';
export type { ContactInviteDeps, FlowLookup, InviteIdentified, TurnDeps, TurnStores } from './turn-deps.js';
export type { TimerRequest, TurnOutcome } from './turn-outcome.js';
export { runDueTimers, type DueTimersReport } from './due-timers.js';
export { CONTACT_FLOW } from './contact-invite.js';
