import { registerChannelFactory } from '../system.js';
import { createTelegramChannel } from './telegram/index.js';
import { createWhatsAppChannel } from './whatsapp/index.js';

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

registerChannelFactory(async ({ config, db, redis, logger, overrides }) => {
  if (!config.WHATSAPP_ENABLED) return undefined;
  const outbound = db.$client.prepare(`SELECT text FROM messages WHERE direction = 'out' AND channel = 'whatsapp' AND channel_message_id = ?`);
  const channel = createWhatsAppChannel({
    db,
    session: config.WHATSAPP_SESSION,
    redis,
    redisPrefix: `${config.REDIS_PREFIX}:`,
    throttle: { perMinute: config.WHATSAPP_RATE_PER_MINUTE, chatIntervalMs: config.WHATSAPP_CHAT_INTERVAL_MS, jitterMs: config.WHATSAPP_JITTER_MS },
    logger: logger.child({ channel: 'whatsapp' }),
    ...(config.WHATSAPP_WS_URL ? { waWebSocketUrl: config.WHATSAPP_WS_URL } : {}),
    // WhatsApp asks for a message again when a phone could not decrypt it: answer from our transcript.
    getMessage: async (id) => (outbound.get(id) as { text: string | null } | undefined)?.text ?? undefined,
    ...overrides.whatsapp,
  });
  return {
    channel,
    // The adapter paces every send (per chat, overall, jitter); the queue limiter keeps a backlog from piling onto it.
    limits: { max: config.WHATSAPP_RATE_PER_MINUTE, durationMs: 60_000, concurrency: 1 },
    // Only the socket holder can send: other processes leave the outbound and outreach jobs in the queue for it.
    deferSending: (start) => {
      if (channel.isHolder()) return start();
      const onLink = () => {
        if (!channel.isHolder()) return;
        channel.off('link', onLink);
        start();
      };
      channel.on('link', onLink);
    },
  };
});
