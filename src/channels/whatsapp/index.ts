export { createWhatsAppChannel, type WhatsAppChannel, type WhatsAppChannelOptions } from './whatsapp-channel.js';
export { LinkRetry, LinkState, linkStateName, parseLinkState, readPublishedLinkState, reconnectDelay, socketLeaseName, type LinkStatus } from './link-state.js';
export { ReconnectSchedule, type ReconnectOptions } from './reconnect-schedule.js';
export { WhatsAppHandshakeRefusedError, WhatsAppUnavailableError } from './errors.js';
export { useSqliteAuthState, type SqliteAuthState } from './auth-state.js';
export { Throttle, type ThrottleDeps, type ThrottleLimits } from './throttle.js';
export { jidForPhone, phoneFromJid } from './jid.js';
export { normaliseInbound } from './inbound.js';
export { parseVCard, type VCardContact } from './vcard.js';
export { classifySendError, formatOutboundText, outboundMessageId, CHOICE_HINT, WHATSAPP_MAX_TEXT } from './outbound.js';
export {
  createBaileysSocketFactory,
  type BaileysSocketOptions,
  type SocketFactory,
  type SocketFactoryInput,
  type WaEventMap,
  type WaEvents,
  type WaSocket,
} from './wa-socket.js';
