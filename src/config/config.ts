import { existsSync } from 'node:fs';
import path from 'node:path';
import { MonitoringPolicy } from '../domain/monitoring.js';
import { redisTopologyOf, type RedisTopology } from './redis-topology.js';
import { EnvSchema, type Env, type Role } from './schema.js';

/** The validated, frozen configuration every module receives; nothing else reads the environment. */
export interface Config extends Env {
  databaseFile: string;
  /** PostgreSQL's URL (DATABASE_URL), or undefined on the embedded SQLite file. */
  databaseUrl: string | undefined;
  /** What `openDb` opens: the PostgreSQL URL when set, else the SQLite file. */
  database: string;
  roles: ReadonlySet<Role>;
  /** A Sentinel-managed primary or a Cluster (REDIS_SENTINELS / REDIS_CLUSTER_NODES); undefined: one server, REDIS_URL or local. */
  redisTopology: RedisTopology | undefined;
  /** Worker processes (WORKERS, else 1); more than 1 with the worker role makes this process their supervisor. */
  workers: number;
  /** Fake channel on? (auto: on unless a real channel is configured). */
  fakeChannel: boolean;
  patientPhonePage: boolean;
  telegramEnabled: boolean;
  /** The WhatsApp Business Platform (Cloud API) channel: all four WHATSAPP_CLOUD_ credentials set. */
  whatsappCloudEnabled: boolean;
  /** The channel outreach uses, or null when outreach is off. */
  outreachChannel: 'whatsapp' | 'fake' | null;
  /** The channel contacts are notified on: the outreach channel, else the fake channel when it is on (issue 16). */
  contactChannel: 'whatsapp' | 'fake' | null;
  /** The quarantine policy's defaults (MONITORING_*); coordinators override them in the settings row. */
  monitoringPolicy: MonitoringPolicy;
}

/** A configuration problem list: every bad variable at once, not the first one. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse a raw environment (e.g. `process.env`) into a frozen Config, or throw ConfigError listing every problem. */
export function parseConfig(raw: Record<string, string | undefined>, baseDir = process.cwd()): Config {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
    problems.push('TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set');
  }
  const cloudKeys = ['WHATSAPP_CLOUD_TOKEN', 'WHATSAPP_CLOUD_PHONE_NUMBER_ID', 'WHATSAPP_CLOUD_APP_SECRET', 'WHATSAPP_CLOUD_VERIFY_TOKEN'] as const;
  const cloudSet = cloudKeys.filter((k) => env[k] !== undefined);
  if (cloudSet.length > 0 && cloudSet.length < cloudKeys.length) {
    for (const k of cloudKeys.filter((k) => env[k] === undefined)) problems.push(`${k}: required with the other WHATSAPP_CLOUD_ settings (${cloudSet.join(', ')} set)`);
  }
  if (cloudSet.length > 0 && env.WHATSAPP_ENABLED) {
    problems.push('WHATSAPP_ENABLED and WHATSAPP_CLOUD_*: only one WhatsApp channel can run (linked phone or Business Platform); turn one off');
  }
  const redis = redisTopologyOf(env);
  problems.push(...redis.problems);
  if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) problems.push('SESSION_SECRET: required in production (32+ characters)');
  // /phone lets anyone play a patient without signing in: never in production, whatever else is set.
  if (env.NODE_ENV === 'production' && env.PATIENT_PHONE_PAGE === 'on') problems.push('PATIENT_PHONE_PAGE: cannot be on in production (the page needs no sign-in)');
  const policy = MonitoringPolicy.safeParse({
    quarantineDays: env.MONITORING_QUARANTINE_DAYS,
    entryTestDay: env.MONITORING_ENTRY_TEST_DAY,
    exitTestDay: env.MONITORING_EXIT_TEST_DAY,
    checkinHour: env.MONITORING_CHECKIN_HOUR,
    timeZone: env.MONITORING_TIMEZONE ?? env.TIMEZONE,
  });
  if (!policy.success) for (const i of policy.error.issues) problems.push(`MONITORING_*: ${i.path.join('.')} ${i.message}`);
  if (problems.length || !policy.success) throw new ConfigError(problems);
  const dataDir = path.resolve(baseDir, env.DATA_DIR);
  const telegramEnabled = Boolean(env.TELEGRAM_BOT_TOKEN);
  const whatsappCloudEnabled = cloudSet.length === cloudKeys.length;
  const realChannel = telegramEnabled || env.WHATSAPP_ENABLED || whatsappCloudEnabled;
  const outreachChannel =
    env.OUTREACH_CHANNEL === 'auto' ? (env.WHATSAPP_ENABLED || whatsappCloudEnabled ? 'whatsapp' : null) : env.OUTREACH_CHANNEL === 'off' ? null : env.OUTREACH_CHANNEL;
  const fakeChannel = env.FAKE_CHANNEL === 'auto' ? !realChannel : env.FAKE_CHANNEL === 'on';
  return Object.freeze({
    ...env,
    DATA_DIR: dataDir,
    databaseFile: path.resolve(baseDir, env.DATABASE_FILE ?? path.join(dataDir, 'tracebot.db')),
    databaseUrl: env.DATABASE_URL,
    database: env.DATABASE_URL ?? path.resolve(baseDir, env.DATABASE_FILE ?? path.join(dataDir, 'tracebot.db')),
    roles: new Set(env.ROLES),
    redisTopology: redis.topology,
    // One by default: on SQLite the turns of all workers share one write lock, and on 2 cores a second worker process was
    // measured slower than one (README, Performance). More may pay off on machines with more cores.
    workers: env.WORKERS ?? 1,
    fakeChannel,
    // A page anyone can open that plays a patient: by default only in development and only without a real channel.
    patientPhonePage: env.NODE_ENV !== 'production' && (env.PATIENT_PHONE_PAGE === 'auto' ? !realChannel : env.PATIENT_PHONE_PAGE === 'on'),
    telegramEnabled,
    whatsappCloudEnabled,
    outreachChannel,
    contactChannel: outreachChannel ?? (fakeChannel ? 'fake' : null),
    monitoringPolicy: policy.data,
  });
}

/** Load `.env` (if present, without overriding the real environment) and parse `process.env`. Call once, in main. */
export function loadConfig(overrides: Record<string, string | undefined> = {}, envFile = '.env'): Config {
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return parseConfig({ ...process.env, ...overrides });
}
