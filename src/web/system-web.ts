import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FakePlatform } from '../channels/fake/index.js';
import type { Config } from '../config/index.js';
import { createRepositories, type Db } from '../db/index.js';
import type { LiveBus } from '../domain/live-events.js';
import type { PipelinePort } from '../domain/pipeline-port.js';
import { verifyApiToken } from '../services/api-tokens.js';
import type { FlowRegistry } from '../services/flow-registry.js';
import type { Metrics } from '../services/metrics.js';
import { getMonitoringPolicy, type MonitoringActions } from '../services/monitoring/index.js';
import { apiRoutes } from './api/api-routes.js';
import type { WebDeps } from './context.js';
import { errorBody } from './error-body.js';
import { opsRoutes, type OpsDeps } from './ops/ops-routes.js';
import { privacyRoutes, type PrivacyDeps } from './routes/privacy.js';
import { whatsappAdminRoutes, type WhatsAppAdminDeps } from './routes/whatsapp-admin.js';
import { whatsappCloudWebhookRoutes, type CloudWebhookTarget } from './routes/whatsapp-cloud-webhook.js';
import { buildWebServer } from './server.js';
import { telegramWebhookRoutes, type TelegramWebhookHandler } from './telegram-webhook.js';

/** What the web role uses from the running system: narrow services, wired by the composition root (src/system.ts). */
export interface WebServices {
  config: Config;
  db: Db;
  logger: WebDeps['logger'];
  live: LiveBus;
  pipeline: PipelinePort;
  flows: FlowRegistry;
  metrics: Metrics;
  /** For /readyz. */
  redis: OpsDeps['redis'];
  /** The pipeline's queues, for Bull Board and queue metrics. */
  queues: OpsDeps['queues'];
  fakePlatform?: FakePlatform;
  /** This process's Telegram channel: deep links for start codes, and its webhook. */
  telegram?: TelegramWebhookHandler & { deepLink(code: string): Promise<string> };
  /** This process's WhatsApp Business Platform channel: its webhook at /whatsapp/webhook. */
  whatsappCloud?: CloudWebhookTarget;
  /** This process's Business Platform channel health (a rejected token): /readyz degraded and the admin page. */
  whatsappCloudHealth?: NonNullable<WhatsAppAdminDeps['cloud']>;
  /** The WhatsApp link state (and pairing, when this process runs the channel) for the admin page. */
  whatsappLink: Pick<WhatsAppAdminDeps, 'linkState' | 'requestPairingCode'>;
  /** Start outreach (write first) to these cases; absent when no outreach channel is configured. */
  outreach?: (caseIds: number[]) => Promise<void>;
  /** Following contacts (issue 16): a tracer's or the API's test result, with its effects. */
  monitoring?: MonitoringActions;
  /** A person's jobs in the queues, for erasure (src/queue/subject-jobs.ts). */
  subjectJobs?: PrivacyDeps['jobs'];
}

/** The web role of a running system: inbox and coordinator pages, the REST API and the operations routes. */
export async function buildSystemWeb(s: WebServices, clock: () => number): Promise<FastifyInstance> {
  const { config, db, telegram } = s;
  let app: FastifyInstance | undefined;
  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (bearer) {
      const token = verifyApiToken(createRepositories(db), bearer[1]!, clock());
      if (token?.role === 'admin') return;
      await reply.code(token ? 403 : 401).send(errorBody(token ? 'auth:forbidden' : 'auth:unauthorized'));
      return;
    }
    await app!.requireRole('admin').call(app!, req, reply);
  };
  const deepLink = telegram ? { deepLink: (code: string) => telegram.deepLink(code) } : {};
  const outreach = s.outreach ? { outreach: s.outreach, outreachOnCreate: config.OUTREACH_ON_CREATE } : {};
  app = await buildWebServer({
    config,
    db,
    logger: s.logger,
    live: s.live,
    pipeline: s.pipeline,
    fakePlatform: s.fakePlatform,
    clock,
    flows: s.flows,
    ...deepLink,
    ...outreach,
    ...(s.monitoring ? { monitoring: s.monitoring } : {}),
    plugins: [
      apiRoutes({
        db,
        clock,
        timezone: config.TIMEZONE,
        defaultCountry: config.DEFAULT_COUNTRY,
        startCodeTtlMs: config.START_CODE_TTL_DAYS * 86_400_000,
        ...deepLink,
        ...outreach,
        ...(s.monitoring ? { monitoring: s.monitoring } : {}),
        quarantineDays: () => getMonitoringPolicy(createRepositories(db), config.monitoringPolicy).quarantineDays,
      }),
      telegramWebhookRoutes(telegram),
      whatsappCloudWebhookRoutes(() => s.whatsappCloud),
      opsRoutes({
        db,
        redis: s.redis,
        metrics: s.metrics,
        queues: s.queues,
        requireAdmin,
        ...(s.whatsappCloudHealth ? { channelHealth: () => ({ whatsapp_cloud: s.whatsappCloudHealth!().state }) } : {}),
      }),
      privacyRoutes({
        db,
        clock,
        timezone: config.TIMEZONE,
        defaultCountry: config.DEFAULT_COUNTRY,
        retentionDays: config.RETENTION_DAYS_AFTER_CLOSE,
        ...(s.subjectJobs ? { jobs: s.subjectJobs } : {}),
      }),
      whatsappAdminRoutes({
        db,
        clock,
        timezone: config.TIMEZONE,
        defaultCountry: config.DEFAULT_COUNTRY,
        enabled: config.WHATSAPP_ENABLED,
        ...s.whatsappLink,
        ...(s.whatsappCloudHealth ? { cloud: s.whatsappCloudHealth } : {}),
      }),
    ],
  });
  return app;
}
