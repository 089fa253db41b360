import { z } from 'zod';
import { redisNodeList, redisPrefix } from './redis-topology.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');
const auto = z.enum(['auto', 'on', 'off']);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

export const Role = z.enum(['web', 'worker', 'channels']);
export type Role = z.infer<typeof Role>;

/**
 * Every environment variable tracebot reads, with its default. `.env.example` documents the same list
 * (a test keeps the two in step).
 */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ROLES: list.pipe(z.array(Role).min(1)).default(['web', 'worker', 'channels']),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_FILE: z.string().min(1).optional(),
  /** PostgreSQL instead of the SQLite file: postgres://user@host:5432/db, optionally ?schema=name. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a postgres:// URL').optional(),
  REDIS_URL: z.string().url().optional(),
  /** A Sentinel-managed primary (issue 15): the sentinels as host:port,host:port, and the primary's name there. */
  REDIS_SENTINELS: redisNodeList.optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^[A-Za-z0-9._-]+$/, "the primary's name in `sentinel monitor`").optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /** A Redis Cluster (issue 15): some of its nodes as host:port,host:port; REDIS_PREFIX must then carry a {hash tag}. */
  REDIS_CLUSTER_NODES: redisNodeList.optional(),
  /** The data nodes' password under Sentinel or Cluster (a single server has it in REDIS_URL). */
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_PREFIX: redisPrefix.default('tracebot'),
  /** How long start-up waits for Redis to answer before it gives up (a running system keeps reconnecting). */
  REDIS_WAIT_SECONDS: int(1, 600).default(15),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: int(0, 65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_SECRET: z.string().min(32).optional(),
  TIMEZONE: z.string().min(1).default('Asia/Jakarta'),
  DEFAULT_COUNTRY: z.string().length(2).default('ID'),
  FLOWS_DIR: z.string().min(1).default('flows'),
  DEFAULT_FLOW: z.string().min(1).default('case-interview'),
  VERIFY_FLOW: z.string().min(1).default('verify-identity'),
  WORKER_CONCURRENCY: int(1, 256).default(16),
  /** Worker processes the `worker` role runs under one supervisor (default: the core count); 1 keeps everything in one process. */
  WORKERS: int(1, 256).optional(),
  START_CODE_TTL_DAYS: int(1, 90).default(14),
  CONTACT_TARGET: int(1, 1000).default(15),
  /** Following contacts (issue 16): off, named contacts are recorded but nobody is enrolled, notified or checked on. */
  MONITORING_ENABLED: bool.default(true),
  /** Following contacts (issue 16): defaults of the policy coordinators can change on the monitoring page. */
  MONITORING_QUARANTINE_DAYS: int(1, 60).default(5),
  MONITORING_ENTRY_TEST_DAY: int(0, 60).default(1),
  MONITORING_EXIT_TEST_DAY: int(1, 60).default(5),
  MONITORING_CHECKIN_HOUR: int(0, 23).default(8),
  /** The zone of quarantine days and the check-in hour (default: TIMEZONE). */
  MONITORING_TIMEZONE: z.string().min(1).optional(),
  /** How often the running system's monitoring tick runs (seconds). */
  MONITORING_TICK_SECONDS: int(5, 3600).default(60),
  /** Days after a conversation closed (and its case went quiet) before the daily retention job removes its personal data. */
  RETENTION_DAYS_AFTER_CLOSE: int(1, 3650).default(90),
  WEBHOOK_URLS: list.default([]),
  WEBHOOK_SECRET: z.string().min(16).optional(),
  FAKE_CHANNEL: auto.default('auto'),
  /** The channel we write first on to new cases with a phone number (auto: WhatsApp when it is enabled). */
  OUTREACH_CHANNEL: z.enum(['auto', 'whatsapp', 'fake', 'off']).default('auto'),
  OUTREACH_ON_CREATE: bool.default(true),
  PATIENT_PHONE_PAGE: auto.default('auto'),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'looks like 123456:ABC-def').optional(),
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  /** The bot's @username (without '@') for contact invite links; learnt from Telegram when unset and the channel runs here. */
  TELEGRAM_BOT_USERNAME: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/, "the bot's username without '@'").optional(),
  TELEGRAM_WEBHOOK_URL: z.string().url().optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/).optional(),
  TELEGRAM_RATE_PER_SECOND: int(1, 1000).default(30),
  TELEGRAM_CHAT_INTERVAL_MS: int(0, 60_000).default(1000),
  WHATSAPP_ENABLED: bool.default(false),
  WHATSAPP_SESSION: z.string().regex(/^[A-Za-z0-9_-]+$/).default('default'),
  WHATSAPP_WS_URL: z.string().url().optional(),
  WHATSAPP_RATE_PER_MINUTE: int(1, 600).default(20),
  WHATSAPP_CHAT_INTERVAL_MS: int(0, 600_000).default(4000),
  WHATSAPP_JITTER_MS: int(0, 60_000).default(1500),
  WHATSAPP_CLOUD_TOKEN: z.string().min(20, 'a system-user access token from Meta Business Settings').optional(),
  WHATSAPP_CLOUD_PHONE_NUMBER_ID: z.string().regex(/^\d{5,20}$/, 'the numeric Phone number ID (not the phone number)').optional(),
  WHATSAPP_CLOUD_APP_SECRET: z.string().min(16).optional(),
  WHATSAPP_CLOUD_VERIFY_TOKEN: z.string().regex(/^[A-Za-z0-9_.~-]{8,128}$/, '8-128 characters of A-Z a-z 0-9 _ . ~ -').optional(),
  /** Pinned: v25.0 is served until 29 Jul 2028 (Graph API changelog); v21.0, older examples' choice, ends 21 Jan 2027. */
  WHATSAPP_CLOUD_API_ROOT: z.string().url().default('https://graph.facebook.com/v25.0'),
  WHATSAPP_CLOUD_RATE_PER_SECOND: int(1, 1000).default(80),
  WHATSAPP_CLOUD_TEMPLATE_NAME: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lower-case letters, digits and _').default('tracebot_checkin'),
  WHATSAPP_CLOUD_TEMPLATE_LANGUAGE: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'a template language code such as id or en_US').default('id'),
  /** The template body's {{1}}, {{2}}… in order, separated by '|'. */
  WHATSAPP_CLOUD_TEMPLATE_PARAMS: z
    .string()
    .transform((v) => v.split('|').map((s) => s.trim()).filter(Boolean))
    .default([]),
  WHATSAPP_CLOUD_TEMPLATE_BUTTON: bool.default(true),
});
export type Env = z.infer<typeof EnvSchema>;
