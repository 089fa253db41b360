import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { FlowRegistry } from '../services/flow-registry.js';
import { flowStepsFromDb, DEFAULT_CANNED_REPLIES } from '../services/inbox/index.js';
import { createRepositories } from '../db/index.js';
import { assetRoutes } from './assets.js';
import { installAuth } from './auth.js';
import type { WebContext, WebDeps } from './context.js';
import { installErrorHandlers } from './error-handler.js';
import { LiveStreams } from './live-stream.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { adminTokenRoutes } from './routes/admin-tokens.js';
import { callTaskRoutes } from './routes/call-tasks.js';
import { contactResultRoutes } from './routes/contact-results.js';
import { conversationRoutes } from './routes/conversation.js';
import { allConversationRoutes } from './routes/all-conversations.js';
import { uiLanguageRoutes } from './ui-language.js';
import { coordinatorRoutes } from './routes/coordinator/index.js';
import { inboxRoutes } from './routes/inbox.js';
import { phoneRoutes } from './routes/phone.js';
import { twoFactorRoutes } from './routes/two-factor.js';

export type { WebDeps } from './context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's open live streams (count for metrics; drop all to test reconnects). */
    liveStreams: LiveStreams;
  }
}

/** Build the web app (inbox, accounts, admin, patient phone, plus the given plugins). Not listening: the caller listens. */
export async function buildWebServer(deps: WebDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? Date.now;
  const repos = createRepositories(deps.db);
  const ctx: WebContext = {
    config: deps.config,
    db: deps.db,
    repos,
    logger: deps.logger,
    live: deps.live,
    pipeline: deps.pipeline,
    fakePlatform: deps.fakePlatform,
    clock,
    flowSteps: deps.flowSteps ?? ((flowId, version) => flowStepsFromDb(repos, flowId, version)),
    cannedReplies: deps.cannedReplies ?? DEFAULT_CANNED_REPLIES,
    loginRateLimit: deps.loginRateLimit ?? 20,
    heartbeatMs: deps.heartbeatMs ?? 15_000,
    reconnectMs: deps.reconnectMs ?? 2_000,
    streams: new LiveStreams(clock),
    flows: deps.flows ?? new FlowRegistry(repos),
    deepLink: deps.deepLink,
    outreach: deps.outreach,
    outreachOnCreate: deps.outreachOnCreate ?? false,
    monitoring: deps.monitoring,
  };
  const app = Fastify({
    // pino 10's Logger type is wider than fastify's logger interface; the object is the same.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // Live streams stay open for hours; only idle, non-streaming sockets are closed.
    keepAliveTimeout: 65_000,
    // Fastify's request log carries the full URL, whose query may hold a phone number: log the route pattern instead.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  app.decorate('liveStreams', ctx.streams);
  await installAuth(app, { config: deps.config, db: deps.db, clock, loginRateLimit: ctx.loginRateLimit, warn: (m) => deps.logger.warn(m) });

  installErrorHandlers(app);

  await app.register(assetRoutes);
  await app.register(accountRoutes(ctx));
  await app.register(twoFactorRoutes(ctx));
  await app.register(inboxRoutes(ctx));
  await app.register(conversationRoutes(ctx));
  await app.register(callTaskRoutes(ctx));
  await app.register(contactResultRoutes(ctx));
  await app.register(allConversationRoutes(ctx));
  await app.register(uiLanguageRoutes());
  await app.register(adminRoutes(ctx));
  await app.register(adminTokenRoutes(ctx));
  await app.register(phoneRoutes(ctx));
  await app.register(coordinatorRoutes(ctx));
  for (const plugin of deps.plugins ?? []) await app.register(plugin);

  app.addHook('onClose', async () => ctx.streams.dropAll());
  // Open streams would keep `close()` waiting for ever: end them first when the server is asked to stop.
  app.addHook('preClose', async () => ctx.streams.dropAll());
  return app;
}
