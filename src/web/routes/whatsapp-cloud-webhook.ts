import type { FastifyInstance } from 'fastify';

/** What the webhook route needs from the Cloud API channel of this process. */
export interface CloudWebhookTarget {
  handleWebhook(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): Promise<{ status: number }>;
  verifySubscription(query: Record<string, unknown>): { status: number; body: string };
}

/** Meta batches up to a few hundred events in one POST; far below this. */
const BODY_LIMIT = 3 * 1024 * 1024;

/**
 * `GET/POST /whatsapp/webhook` for the WhatsApp Business Platform. The signature is over the exact bytes Meta sent, so in this
 * plugin's scope JSON bodies stay raw Buffers (the rest of the app keeps fastify's JSON parser). 404 when the channel is off.
 */
export function whatsappCloudWebhookRoutes(target: () => CloudWebhookTarget | undefined) {
  return async (app: FastifyInstance): Promise<void> => {
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
    app.get('/whatsapp/webhook', async (req, reply) => {
      const channel = target();
      if (!channel) return reply.code(404).send();
      const r = channel.verifySubscription(req.query as Record<string, unknown>);
      return reply.code(r.status).type('text/plain; charset=utf-8').send(r.body);
    });
    app.post('/whatsapp/webhook', { config: { csrf: false } }, async (req, reply) => {
      const channel = target();
      if (!channel) return reply.code(404).send();
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const r = await channel.handleWebhook(req.headers, raw);
      return reply.code(r.status).send();
    });
  };
}
