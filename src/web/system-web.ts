import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { System } from '../system.js';
import { verifyApiToken } from '../services/api-tokens.js';
import { apiRoutes } from './api/api-routes.js';
import { errorBody } from './error-body.js';
import { opsRoutes } from './ops/ops-routes.js';
import { whatsappAdminForSystem } from './routes/whatsapp-admin.js';
import { buildWebServer } from './server.js';

/** The web role of a running system: inbox and coordinator pages, the REST API and the operations routes. */
export async function buildSystemWeb(system: System, clock: () => number): Promise<FastifyInstance> {
  const { config, db } = system;
  const telegram = system.channels.find((c) => c.name === 'telegram') as
    | { deepLink?: (code: string) => Promise<string>; handleWebhook?: (headers: FastifyRequest['headers'], body: unknown) => Promise<{ status: number }> }
    | undefined;
  const deepLink = telegram;
  let app: FastifyInstance | undefined;
  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (bearer) {
      const token = verifyApiToken(db, bearer[1]!, clock());
      if (token?.role === 'admin') return;
      await reply.code(token ? 403 : 401).send(errorBody(token ? 'auth:forbidden' : 'auth:unauthorized'));
      return;
    }
    await app!.requireRole('admin').call(app!, req, reply);
  };
  app = await buildWebServer({
    config,
    db,
    logger: system.logger,
    live: system.live,
    pipeline: system.pipeline,
    fakePlatform: system.fakePlatform,
    clock,
    flows: system.flows,
    ...(deepLink?.deepLink ? { deepLink: (code: string) => deepLink.deepLink!(code) } : {}),
    ...(config.outreachChannel ? { outreach: (ids: number[]) => system.outreach.request(ids), outreachOnCreate: config.OUTREACH_ON_CREATE } : {}),
    plugins: [
      apiRoutes({
        db,
        clock,
        timezone: config.TIMEZONE,
        defaultCountry: config.DEFAULT_COUNTRY,
        startCodeTtlMs: config.START_CODE_TTL_DAYS * 86_400_000,
        ...(deepLink?.deepLink ? { deepLink: (code: string) => deepLink.deepLink!(code) } : {}),
        ...(config.outreachChannel ? { outreach: (ids: number[]) => system.outreach.request(ids), outreachOnCreate: config.OUTREACH_ON_CREATE } : {}),
      }),
      async (scope: FastifyInstance) => {
        // Telegram's webhook: the adapter checks the secret header and parses the update; no session, no CSRF.
        scope.post('/telegram/webhook', { config: { csrf: false } }, async (req, reply) => {
          if (!telegram?.handleWebhook) return reply.code(404).send();
          const r = await telegram.handleWebhook(req.headers, req.body);
          return reply.code(r.status).send();
        });
      },
      opsRoutes({ db, redis: system.redis, metrics: system.metrics, queues: () => system.pipeline.queues(), requireAdmin }),
      whatsappAdminForSystem(system, clock),
    ],
  });
  return app;
}
