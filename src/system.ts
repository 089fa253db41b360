import path from 'node:path';
import type { Logger } from 'pino';
import type { FakePlatform } from './channels/fake/index.js';
import { buildChannels, webhookReceivers } from './channels/wiring.js';
import { SharedWindowStore } from './channels/whatsapp-cloud/index.js';
import { readPublishedLinkState, type WhatsAppChannelOptions } from './channels/whatsapp/index.js';
import type { Config } from './config/index.js';
import { createRepositories, openDb, type Db } from './db/index.js';
import type { Channel } from './domain/channel.js';
import type { Coordination } from './domain/coordination.js';
import type { LiveBus } from './domain/live-events.js';
import type { Repositories } from './domain/repositories/index.js';
import { createLiveBus, createRedisCoordination, createSubjectJobStore, MonitoringScheduler, Outreach, Pipeline, redisConnection, type NumberChecker, type OutreachOptions, type PipelineOptions } from './queue/index.js';
import { assertPortFree } from './runtime/index.js';
import { checkEvictionPolicy, ensureRedis, waitForRedis, type RedisHandle } from './runtime/redis-bootstrap.js';
import { createLogger } from './runtime/logger.js';
import { DeliveryService } from './services/delivery.js';
import { DeliveryReceipts, type DeliveryReceipt } from './services/delivery-receipts.js';
import { FlowRegistry } from './services/flow-registry.js';
import { createMetrics, type Metrics } from './services/metrics.js';
import { createMonitoringTurns, getMonitoringPolicy, linkInviteChat } from './services/monitoring/index.js';
import type { InviteIdentified, TurnOutcome } from './services/turn/index.js';
import { startRetentionSchedule } from './services/privacy/index.js';
import type { buildSystemWeb } from './web/index.js';

type Redis = ReturnType<typeof redisConnection>;
type WebApp = Awaited<ReturnType<typeof buildSystemWeb>>;

/** A running tracebot: what tests, the benchmark and `main` get back. */
export interface System {
  config: Config;
  logger: Logger;
  db: Db;
  /** The repositories over `db`, built once. */
  stores: Repositories;
  redis: Redis;
  flows: FlowRegistry;
  pipeline: Pipeline;
  outreach: Outreach;
  /** Following contacts (issue 16): `monitoring.tick(at)` replays a moment. */
  monitoring: MonitoringScheduler;
  live: LiveBus;
  metrics: Metrics;
  channels: Channel[];
  fakePlatform?: FakePlatform;
  web?: WebApp;
  /** `http://host:port` when the web role listens. */
  address?: string;
  /** Drain in-flight jobs and close everything, in order. */
  stop(): Promise<void>;
}

export interface SystemOverrides {
  logger?: Logger;
  clock?: () => number;
  /** Extra channels (tests); they get outbound workers like the built-in ones. */
  channels?: Channel[];
  /** How often sweepers run (tests use short intervals). */
  sweepEveryMs?: number;
  /** How long a dead-lettered mailbox item rests before it is tried again (tests use short times). */
  deadLetterReplayAfterMs?: number;
  /** Test instrumentation around each handled mailbox item (see `PipelineOptions.onItem`). */
  onItem?: PipelineOptions['onItem'];
  /** WhatsApp adapter options laid over the config's (tests inject the fake socket, instant sleeps). */
  whatsapp?: Partial<WhatsAppChannelOptions>;
  /** Outreach timing (tests wait and retry in milliseconds). */
  outreach?: Pick<OutreachOptions, 'waitMs' | 'maxWaitMs' | 'backoffMs' | 'resumeEveryMs' | 'resumeAfterMs'>;
  /** How often the monitoring scheduler ticks (tests tick by hand with `system.monitoring.tick(at)` and set it long). */
  monitoringTickMs?: number;
  /**
   * Suites about queue mechanics only (ordering, recovery) play the interview as a plain script: new chats skip the
   * identity check. Not reachable from the environment: a running tracebot always checks identity first (issue 17).
   */
  skipIdentityCheck?: boolean;
}

/** For erasure: drop the replies the WhatsApp Business Platform channel holds for a chat (`whatsapp:<chat id>`; they carry text). */
export function heldRepliesForgetter(coordination: Coordination): (chatKey: string) => Promise<unknown> {
  const window = new SharedWindowStore(coordination);
  return async (key) => (key.startsWith('whatsapp:') ? window.takeHeld(key.slice('whatsapp:'.length)) : undefined);
}

/** Start the roles the config asks for, on the given config. */
export async function startSystem(config: Config, overrides: SystemOverrides = {}): Promise<System> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? Date.now;
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) {
      try {
        await s();
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.name : 'error' }, 'error while stopping');
      }
    }
  };
  // A second copy on a busy port stops here, before it opens anything, consumes queues or polls a channel.
  if (config.roles.has('web')) await assertPortFree(config.HTTP_HOST, config.HTTP_PORT);
  try {
    const db = openDb(config.database);
    stops.push(async () => {
      db.$client.close();
    });

    const redisHandle: RedisHandle = await ensureRedis({ url: config.REDIS_URL, topology: config.redisTopology, dataDir: config.DATA_DIR, logger });
    stops.push(() => redisHandle.stop());
    // Commands issued in the same tick (BullMQ scripts, mailbox scripts) leave in one write: fewer syscalls per message.
    const redis = redisConnection(redisHandle.target, { enableAutoPipelining: true });
    // ioredis prints unhandled connection errors to the console while it reconnects; log them instead.
    redis.on('error', (error: Error) => logger.warn({ err: error.name, code: (error as { code?: string }).code }, 'redis connection error'));
    stops.push(async () => {
      // QUIT would wait for a Redis that is not there (commands queue until it answers): just drop the connection then.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    });
    // Bounded: a Redis that does not answer at start is a configuration problem to report, not to retry for ever.
    await waitForRedis(redis, redisHandle.target, config.REDIS_WAIT_SECONDS * 1000);
    await checkEvictionPolicy(redis, logger);

    const stores = createRepositories(db);
    const flows = new FlowRegistry(createRepositories(db));
    try {
      const r = flows.syncDirectory(path.resolve(config.FLOWS_DIR), clock());
      if (r.published.length) logger.info({ flows: r.published }, 'published changed flow files');
      for (const problem of r.broken) logger.error({ problem }, 'a flow file is broken and was not published');
      for (const c of r.conflicts) logger.warn({ file: c.file, flowId: c.flowId, liveVersion: c.liveVersion }, 'a flow file changed while the web editor published a newer version: the web version stays live (see /coord/flows)');
    } catch (error) {
      // Two processes starting together may race to publish the same version; the other one won.
      logger.warn({ err: error instanceof Error ? error.message : 'error' }, 'flow sync skipped');
    }
    if (!flows.latest(config.DEFAULT_FLOW)) logger.error({ flow: config.DEFAULT_FLOW }, 'the default flow has no published version: new chats cannot start');

    const live = await createLiveBus({
      redis: redisHandle.target,
      prefix: config.REDIS_PREFIX,
      // Only the web role feeds browsers; workers and channel processes publish and never parse anybody's events.
      listen: config.roles.has('web'),
      onError: (error) => logger.warn({ err: error instanceof Error ? error.name : 'error' }, 'live bus redis error'),
    });
    stops.push(() => live.close());
    const metrics = createMetrics();
    // Issue 16: the link a Telegram patient forwards to contacts needs the bot's username (from config, or from Telegram below).
    let telegramUsername = config.TELEGRAM_BOT_USERNAME;
    const policy = () => getMonitoringPolicy(stores, config.monitoringPolicy);
    // The contact who typed their name in an invite chat gets their follow-up in that chat (services/monitoring).
    const identified = (who: InviteIdentified, now: number, out: TurnOutcome) => linkInviteChat(stores, { policy }, who, now, out);
    const contactInvites = config.telegramEnabled
      ? { contactInvites: { botUsername: () => telegramUsername, ...(config.MONITORING_ENABLED ? { identified } : {}) } }
      : {};
    const startCodeTtlMs = config.START_CODE_TTL_DAYS * 86_400_000;
    // The scheduler needs the pipeline's mailboxes; the pipeline calls it back only once jobs run, after both exist.
    let scheduler: MonitoringScheduler | undefined;
    const pipeline = new Pipeline({
      redis,
      prefix: config.REDIS_PREFIX,
      stores,
      flows,
      logger,
      live,
      metrics,
      clock,
      defaultFlow: config.DEFAULT_FLOW,
      defaultCountry: config.DEFAULT_COUNTRY,
      verifyFlow: overrides.skipIdentityCheck ? undefined : config.VERIFY_FLOW,
      ...contactInvites,
      concurrency: config.WORKER_CONCURRENCY,
      webhookUrls: config.WEBHOOK_URLS,
      webhookSecret: config.WEBHOOK_SECRET,
      sweepEveryMs: overrides.sweepEveryMs,
      deadLetterReplayAfterMs: overrides.deadLetterReplayAfterMs,
      onItem: overrides.onItem,
      // Off (MONITORING_ENABLED=false): no enrolment on named contacts; the rules still see runs already going.
      monitoring: { turns: createMonitoringTurns({ policy, startCodeTtlMs }), onEvent: async (event, data) => (config.MONITORING_ENABLED ? scheduler?.onEvent(event, data) : undefined) },
    });
    stops.push(() => pipeline.close());
    if (config.roles.has('worker')) {
      pipeline.startWorkers();
      const stopRetention = startRetentionSchedule(stores, { days: config.RETENTION_DAYS_AFTER_CLOSE, clock, log: logger });
      stops.push(async () => stopRetention());
    }
    const outreach = new Outreach({ redis, prefix: config.REDIS_PREFIX, cases: stores.cases, monitoring: stores.monitoring, mailboxes: pipeline.mailboxes, clock, logger, ...overrides.outreach });
    stops.push(() => outreach.close());
    const monitoring = new MonitoringScheduler({
      redis,
      prefix: config.REDIS_PREFIX,
      stores,
      policy,
      mailboxes: pipeline.mailboxes,
      dispatch: (ids) => pipeline.dispatcher.dispatch(ids),
      live,
      ...(config.contactChannel ? { notify: (ids: number[]) => outreach.requestContacts(ids) } : {}),
      ...(config.outreachChannel ? { outreachCases: (ids: number[]) => outreach.request(ids) } : {}),
      startCodeTtlMs,
      clock,
      logger,
      everyMs: overrides.monitoringTickMs ?? config.MONITORING_TICK_SECONDS * 1000,
    });
    scheduler = monitoring;
    stops.push(() => monitoring.close());
    if (config.roles.has('worker') && config.MONITORING_ENABLED) await monitoring.start();

    const coordination = createRedisCoordination(redis, `${config.REDIS_PREFIX}:`);
    const channels: Channel[] = [];
    let fakePlatform: FakePlatform | undefined;
    let built: ReturnType<typeof buildChannels> | undefined;
    // Cloud receipts on the transcript: delivered/read, failures with codes, unreachable -> escalation (dispatched, published).
    const receipts = new DeliveryReceipts(stores, new DeliveryService(stores, clock), clock);
    const onWhatsAppCloudStatus = async (e: Omit<DeliveryReceipt, 'channel'>) => {
      const r = receipts.record({ channel: 'whatsapp', ...e });
      await pipeline.dispatcher.dispatch(r.outboxIds);
      if (r.live.length) await live.publishMany(r.live).catch((error: unknown) => logger.warn({ err: error instanceof Error ? error.name : 'error' }, 'live publish failed'));
    };
    if (config.roles.has('channels')) {
      // The real channels, explicitly from config; test channels after them.
      built = buildChannels({ config, logger, coordination, messages: stores.messages, whatsappAuth: stores.whatsappAuth, whatsapp: overrides.whatsapp, onWhatsAppCloudStatus });
      fakePlatform = built.fakePlatform;
      if (built.telegram && telegramUsername === undefined) {
        built.telegram.botUsername().then(
          (name) => (telegramUsername = name),
          () => logger.warn('telegram username unknown: no contact invite links until TELEGRAM_BOT_USERNAME is set or Telegram answers'),
        );
      }
      const started = [...built.made, ...(overrides.channels ?? []).map((channel) => ({ channel, limits: undefined, deferSending: undefined }))];
      for (const { channel, limits, deferSending } of started) {
        await channel.start(async (m) => {
          await pipeline.enqueueInbound(m);
        });
        stops.push(() => channel.stop());
        const startSending = () => {
          pipeline.startOutbound(channel, limits);
          const writesFirst = channel.name === config.outreachChannel || channel.name === config.contactChannel;
          if (writesFirst && 'checkNumber' in channel) outreach.start(channel as Channel & NumberChecker);
        };
        if (deferSending) deferSending(startSending);
        else startSending();
        channels.push(channel);
        logger.info({ channel: channel.name }, 'channel started');
      }
    }

    const system: System = { config, logger, db, stores, redis, flows, pipeline, outreach, monitoring, live, metrics, channels, fakePlatform, stop: stopAll };
    if (config.roles.has('web')) {
      // Loaded only for the web role, so worker and channel processes never load fastify.
      const { buildSystemWeb } = await import('./web/index.js');
      const whatsapp = built?.whatsapp;
      let { telegram, whatsappCloud } = built ?? {};
      if (!config.roles.has('channels')) {
        // A web node without the channels role still takes the platforms' webhooks: a load balancer may send them to any.
        ({ telegram, whatsappCloud } = webhookReceivers({ config, logger, coordination, onWhatsAppCloudStatus }));
        for (const receiver of [telegram, whatsappCloud]) {
          if (!receiver) continue;
          await receiver.start(async (m) => {
            await pipeline.enqueueInbound(m);
          });
          stops.push(() => receiver.stop());
        }
      }
      // Bull Board lists every configured channel's outbound queue, also in a web-only process that sends nothing itself.
      const configured = [config.telegramEnabled && 'telegram', config.WHATSAPP_ENABLED && 'whatsapp', config.fakeChannel && 'fake'] as const;
      for (const name of configured) if (name) pipeline.outbound(name);
      const web = await buildSystemWeb(
        {
          config,
          db,
          logger,
          live,
          pipeline,
          flows,
          metrics,
          redis,
          queues: () => [...pipeline.queues(), outreach.queue, monitoring.queue],
          subjectJobs: createSubjectJobStore(() => [...pipeline.queues(), outreach.queue], { forgetChat: heldRepliesForgetter(coordination) }),
          fakePlatform,
          telegram,
          whatsappCloud,
          ...(whatsappCloud ? { whatsappCloudHealth: whatsappCloud.health.bind(whatsappCloud) } : {}),
          whatsappLink: {
            // This process's channel (whose state mirrors the socket holder's), or what the holder published in Redis.
            linkState: async () => whatsapp?.linkState() ?? (await readPublishedLinkState(coordination, config.WHATSAPP_SESSION)),
            ...(whatsapp ? { requestPairingCode: (phone: string) => whatsapp.requestPairingCode(phone) } : {}),
          },
          ...(config.outreachChannel ? { outreach: (ids: number[]) => outreach.request(ids) } : {}),
          monitoring,
        },
        clock,
      );
      stops.push(() => web.close());
      const address = await web.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
      system.web = web;
      system.address = address;
      logger.info({ address }, 'web server listening');
    }
    return system;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
