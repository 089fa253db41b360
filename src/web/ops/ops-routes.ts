import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pingDb, type Db } from '../../db/index.js';
import type { Metrics } from '../../services/metrics.js';
import { securityHeaders } from '../layout.js';

/** A queue as Bull Board takes it (the pipeline's BullMQ queues; the web layer never imports bullmq itself). */
type Queue = ConstructorParameters<typeof BullMQAdapter>[0];

export interface OpsDeps {
  db: Db;
  redis: { ping(): Promise<string> };
  metrics: Metrics;
  /** Every queue to show and measure; read again on each board request, so queues made later appear too. */
  queues: () => Queue[];
  /** Admits only admins (session or admin API token); replies 401/403 itself otherwise. */
  requireAdmin: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Channels that can report trouble of their own (a rejected token): `degraded` keeps /readyz 200 — inbound still works. */
  channelHealth?: () => Record<string, 'ok' | 'degraded'>;
}

/** /healthz, /readyz, /metrics and Bull Board at /admin/queues (admins only). */
export function opsRoutes(deps: OpsDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_req, reply) => {
      const checks: Record<string, 'ok' | 'down'> = { sqlite: 'down', redis: 'down' };
      try {
        pingDb(deps.db);
        checks.sqlite = 'ok';
      } catch {
        /* reported below */
      }
      try {
        await Promise.race([deps.redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000))]);
        checks.redis = 'ok';
      } catch {
        /* reported below */
      }
      const ok = Object.values(checks).every((v) => v === 'ok');
      const channels = deps.channelHealth?.() ?? {};
      const degraded = Object.values(channels).some((v) => v !== 'ok');
      return reply.code(ok ? 200 : 503).send({ status: ok ? (degraded ? 'degraded' : 'ready') : 'not ready', checks: { ...checks, ...channels } });
    });
    app.get('/metrics', async (_req, reply) => {
      // Queue depths are read at scrape time, so they are current without a background poller.
      await Promise.all(
        deps.queues().map(async (q) => {
          try {
            const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
            for (const [state, n] of Object.entries(counts)) deps.metrics.queueDepth.set({ queue: q.name, state }, n);
          } catch {
            /* Redis down: keep the last values */
          }
        }),
      );
      return reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    });

    const serverAdapter = new FastifyAdapter();
    const board = createBullBoard({ queues: [], serverAdapter });
    let shown = '';
    const showQueues = (): void => {
      const queues = deps.queues();
      const names = queues.map((q) => q.name).join('\n');
      if (names !== shown) board.replaceQueues(queues.map((q) => new BullMQAdapter(q)));
      shown = names;
    };
    showQueues();
    serverAdapter.setBasePath('/admin/queues');
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', deps.requireAdmin);
        scope.addHook('onRequest', async () => showQueues());
        // The board's client sends no CSRF token: its JSON API takes same-origin requests of a signed-in admin instead.
        scope.addHook('onRoute', (route) => {
          route.config = { ...(route.config ?? {}), csrf: 'same-origin' };
        });
        // The same headers as our own pages; the board's markup has inline styles (its scripts are files).
        scope.addHook('onSend', async (_req, reply, payload) => {
          void reply.headers(securityHeaders({ inlineStyles: true }));
          return payload;
        });
        await scope.register(serverAdapter.registerPlugin());
      },
      { prefix: '/admin/queues' },
    );
  };
}
