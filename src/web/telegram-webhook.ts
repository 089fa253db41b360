import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The part of the Telegram adapter the webhook route needs: it checks the secret header first, then the update. */
export interface TelegramWebhookHandler {
  handleWebhook(headers: FastifyRequest['headers'], body: unknown): Promise<{ status: number }>;
}

/**
 * POST /telegram/webhook (no session, no CSRF). The body is read as text and parsed here, not by Fastify's JSON parser:
 * a caller without the secret must get 401 whatever it sends, so the adapter sees the headers before any parse error
 * (malformed JSON reaches it as `undefined`, which it answers 400 only once the secret matched).
 */
export function telegramWebhookRoutes(telegram: TelegramWebhookHandler | undefined) {
  return async (scope: FastifyInstance): Promise<void> => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/telegram/webhook', { config: { csrf: false } }, async (req, reply) => {
      if (!telegram) return reply.code(404).send();
      let body: unknown;
      try {
        body = typeof req.body === 'string' ? JSON.parse(req.body) : undefined;
      } catch {
        body = undefined;
      }
      const r = await telegram.handleWebhook(req.headers, body);
      return reply.code(r.status).send();
    });
  };
}
