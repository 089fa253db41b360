export { createWhatsAppCloudChannel, isWhatsAppCloudChannel, type CloudHealth, type CloudLogger, type WhatsAppCloudChannel, type WhatsAppCloudChannelOptions } from './cloud-channel.js';
export { CloudErrorCode, GraphApiError, classifyCloudError } from './errors.js';
export { chatIdForPhone, chatIdForWaId, msgRef, waIdForChat } from './ids.js';
export { CONTINUE_PAYLOAD, contactsOf, normaliseMessage, normaliseStatus, type DeliveryStatusEvent } from './inbound.js';
export { CHOICE_HINT, CLOUD_LIMITS, LIST_BUTTON, choiceStyle, planMessages, templateMessage, type TemplateSettings } from './outbound.js';
export { SIGNATURE_HEADER, answerSubscription, signBody, verifySignature } from './signature.js';
export { MemoryWindowStore, SharedWindowStore, WINDOW_MS, type WindowStore } from './window-store.js';
