import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Channel } from '../domain/channel.js';
import type { Coordination } from '../domain/coordination.js';
import type { MessagesRepository } from '../domain/repositories/messages.js';
import type { WhatsAppAuthRepository } from '../domain/repositories/whatsapp-auth.js';
import { FakeChannel, FakePlatform } from './fake/index.js';
import { createTelegramChannel, type TelegramChannel } from './telegram/index.js';
import { createWhatsAppChannel, type WhatsAppChannel, type WhatsAppChannelOptions } from './whatsapp/index.js';
import { createWhatsAppCloudChannel, SharedWindowStore, type WhatsAppCloudChannel, type WhatsAppCloudChannelOptions } from './whatsapp-cloud/index.js';

/** Rate limits of one channel's outbound queue. */
export interface ChannelLimits {
  max: number;
  durationMs: number;
  concurrency?: number;
}

/** A channel adapter built from config, with how the composition root should run its sending side. */
export interface MadeChannel {
  channel: Channel;
  limits?: ChannelLimits;
  /**
   * For a channel with one connection across processes (WhatsApp's socket lease): call `start` once this process holds it.
   * Its outbound and outreach workers start only then, so a process that never holds the socket never takes (and fails)
   * its jobs; without it they start at once.
   */
  deferSending?: (start: () => void) => void;
}

/** What the channel builders need from the system. */
export interface ChannelContext {
  config: Config;
  logger: Logger;
  /** Leases and shared values across processes (the WhatsApp socket lease and link state, the Telegram poll lease). */
  coordination: Coordination;
  messages: MessagesRepository;
  whatsappAuth: WhatsAppAuthRepository;
  /** WhatsApp adapter options laid over the config's (tests inject the fake socket, instant sleeps). */
  whatsapp?: Partial<WhatsAppChannelOptions>;
  /** The Cloud channel's delivery receipts (the composition root records them on the transcript). */
  onWhatsAppCloudStatus?: WhatsAppCloudChannelOptions['onStatus'];
}

/** The channels the config asks for, built (not started). Each adapter module stays the only importer of its library. */
export function buildChannels(ctx: ChannelContext): {
  made: MadeChannel[];
  fakePlatform?: FakePlatform;
  telegram?: TelegramChannel;
  whatsapp?: WhatsAppChannel;
  /** The WhatsApp Business Platform channel: the web role routes /whatsapp/webhook to it. */
  whatsappCloud?: WhatsAppCloudChannel;
} {
  const made: MadeChannel[] = [];
  let fakePlatform: FakePlatform | undefined;
  if (ctx.config.fakeChannel) {
    fakePlatform = new FakePlatform();
    made.push({ channel: new FakeChannel(fakePlatform) });
  }
  const telegram = telegramFromConfig(ctx);
  if (telegram) made.push(telegram);
  const whatsapp = whatsappFromConfig(ctx);
  if (whatsapp) made.push(whatsapp);
  const whatsappCloud = whatsappCloudFromConfig(ctx);
  if (whatsappCloud) made.push(whatsappCloud);
  return {
    made,
    fakePlatform,
    telegram: telegram?.channel as TelegramChannel | undefined,
    whatsapp: whatsapp?.channel as WhatsAppChannel | undefined,
    whatsappCloud: whatsappCloud?.channel,
  };
}

/**
 * The Telegram channel, when a bot token is configured. Several channels processes may run it: one polls at a time (the
 * bot's Redis lease), and in webhook mode every one accepts the updates POSTed to it.
 */
function telegramFromConfig({ config, logger, coordination }: ChannelContext): (MadeChannel & { channel: TelegramChannel }) | undefined {
  if (!config.TELEGRAM_BOT_TOKEN) return undefined;
  const channel = createTelegramChannel({
    token: config.TELEGRAM_BOT_TOKEN,
    apiRoot: config.TELEGRAM_API_ROOT,
    ...(config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
      ? { webhook: { url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET } }
      : {}),
    logger: logger.child({ channel: 'telegram' }),
    pollLock: { coordination },
  });
  // No deferSending: the Bot API takes sends from any process, so every channels process runs the outbound worker, and
  // BullMQ's limiter (kept in Redis) holds them together to the rate below.
  // Telegram allows ~30 messages/s per bot overall; the per-chat 1/s is kept by sending a turn's replies in sequence.
  return { channel, limits: { max: config.TELEGRAM_RATE_PER_SECOND, durationMs: 1000 } };
}

/**
 * For a web node without the channels role: the platforms POST their webhooks to whichever web node the load balancer
 * picks, so each one accepts them and queues the updates. These register nothing and send nothing (the channels
 * processes do); the WhatsApp Business Platform's receipts are recorded by whichever node receives them.
 */
export function webhookReceivers(ctx: Pick<ChannelContext, 'config' | 'logger' | 'coordination' | 'onWhatsAppCloudStatus'>): {
  telegram?: TelegramChannel;
  whatsappCloud?: WhatsAppCloudChannel;
} {
  const { config, logger } = ctx;
  const webhook = config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET;
  const telegram = webhook
    ? createTelegramChannel({
        token: config.TELEGRAM_BOT_TOKEN!,
        apiRoot: config.TELEGRAM_API_ROOT,
        webhook: { url: config.TELEGRAM_WEBHOOK_URL!, secret: config.TELEGRAM_WEBHOOK_SECRET!, register: false },
        logger: logger.child({ channel: 'telegram' }),
      })
    : undefined;
  const whatsappCloud = whatsappCloudFromConfig(ctx)?.channel;
  return { ...(telegram ? { telegram } : {}), ...(whatsappCloud ? { whatsappCloud } : {}) };
}

/** The WhatsApp channel, when enabled. */
function whatsappFromConfig({ config, logger, coordination, messages, whatsappAuth, whatsapp }: ChannelContext): (MadeChannel & { channel: WhatsAppChannel }) | undefined {
  if (!config.WHATSAPP_ENABLED) return undefined;
  const channel = createWhatsAppChannel({
    authStore: whatsappAuth,
    session: config.WHATSAPP_SESSION,
    coordination,
    throttle: { perMinute: config.WHATSAPP_RATE_PER_MINUTE, chatIntervalMs: config.WHATSAPP_CHAT_INTERVAL_MS, jitterMs: config.WHATSAPP_JITTER_MS },
    logger: logger.child({ channel: 'whatsapp' }),
    ...(config.WHATSAPP_WS_URL ? { waWebSocketUrl: config.WHATSAPP_WS_URL } : {}),
    // WhatsApp asks for a message again when a phone could not decrypt it: answer from our transcript.
    getMessage: async (id) => messages.sentText('whatsapp', id),
    ...whatsapp,
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
}

/**
 * The WhatsApp Business Platform (Cloud API) channel, when its credentials are set. Webhooks arrive at /whatsapp/webhook
 * (src/web/routes/whatsapp-cloud-webhook.ts) on the web role: of this process, or of web nodes (`webhookReceivers`).
 */
function whatsappCloudFromConfig({ config, logger, coordination, onWhatsAppCloudStatus }: Pick<ChannelContext, 'config' | 'logger' | 'coordination' | 'onWhatsAppCloudStatus'>): (MadeChannel & { channel: WhatsAppCloudChannel }) | undefined {
  if (!config.whatsappCloudEnabled) return undefined;
  const channel = createWhatsAppCloudChannel({
    token: config.WHATSAPP_CLOUD_TOKEN!,
    phoneNumberId: config.WHATSAPP_CLOUD_PHONE_NUMBER_ID!,
    appSecret: config.WHATSAPP_CLOUD_APP_SECRET!,
    verifyToken: config.WHATSAPP_CLOUD_VERIFY_TOKEN!,
    apiRoot: config.WHATSAPP_CLOUD_API_ROOT,
    template: {
      name: config.WHATSAPP_CLOUD_TEMPLATE_NAME,
      language: config.WHATSAPP_CLOUD_TEMPLATE_LANGUAGE,
      params: config.WHATSAPP_CLOUD_TEMPLATE_PARAMS,
      continueButton: config.WHATSAPP_CLOUD_TEMPLATE_BUTTON,
    },
    logger: logger.child({ channel: 'whatsapp', transport: 'cloud' }),
    // Shared (Redis): the 24-hour window and held replies survive restarts.
    store: new SharedWindowStore(coordination),
    ...(onWhatsAppCloudStatus ? { onStatus: onWhatsAppCloudStatus } : {}),
  });
  // Each send is one HTTPS round trip (~0.3-0.5 s to Meta): 80/s needs about 40 in flight. Per-chat order is kept by the
  // delivery service (earlier replies first) and the adapter (one chat's sends in sequence).
  const rate = config.WHATSAPP_CLOUD_RATE_PER_SECOND;
  return { channel, limits: { max: rate, durationMs: 1000, concurrency: Math.min(200, Math.max(8, Math.ceil(rate / 2))) } };
}
