import { registerChannelFactory } from '../system.js';
import { createTelegramChannel } from './telegram/index.js';

/**
 * Registers the real channel adapters with the system (imported by main and by tests that need them). Each adapter module
 * stays the only importer of its library; this file only connects config to factories.
 */
registerChannelFactory(async ({ config, logger }) => {
  if (!config.TELEGRAM_BOT_TOKEN) return undefined;
  const channel = createTelegramChannel({
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    ...(config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
      ? { webhook: { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET } }
      : {}),
    logger: logger.child({ channel: 'telegram' }),
  });
  // Telegram allows ~30 messages/s per bot overall; the per-chat 1/s is kept by sending a turn's replies in sequence.
  return { channel, limits: { max: config.TELEGRAM_RATE_PER_SECOND, durationMs: 1000 } };
});
