export { createTelegramChannel, pollLeaseName, type TelegramChannel, type TelegramChannelOptions } from './telegram-channel.js';
export { TelegramApiError } from './errors.js';
export type { TelegramLogger } from './logger.js';
export { START_CODE } from './normalise.js';
export { SHARE_PHONE_LABEL, MAX_TEXT } from './outbound.js';
