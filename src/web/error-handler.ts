import type { FastifyInstance } from 'fastify';
import { errorFields, logEvent, logId } from '../domain/log-event.js';
import { wantsHtml } from './auth.js';
import { codeForStatus, errorBody } from './error-body.js';
import { t } from './i18n.js';
import { errorPage } from './layout.js';

/**
 * The one error sink of the web app: an error page for a browser, a catalogue-coded JSON body for everyone else, and a log
 * line (code, class, stack frames; never the message, which may quote a request) for every 5xx.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : err.name === 'ZodError' ? 400 : 500;
    if (status >= 500) logEvent(req.log, 'error', 'request failed', { ...errorFields(err), error: 'http:internal', method: logId(req.method), route: logId(req.routeOptions.url ?? 'unmatched') });
    if (!wantsHtml(req)) {
      const code = err.name === 'ZodError' ? 'http:invalid' : codeForStatus(status);
      // Fastify's own codes (FST_ERR_CTP_INVALID_MEDIA_TYPE, ...) say what was wrong with the request: pass them on.
      return reply.code(status).send(errorBody(code, status < 500 && err.code?.startsWith('FST_') ? { message: err.code } : {}));
    }
    const text = status === 429 ? t(req.lang, 'too_many_requests') : status >= 500 ? t(req.lang, 'server_error') : status === 404 ? t(req.lang, 'not_found') : t(req.lang, 'invalid');
    return errorPage(reply, req, status, text);
  });
  app.setNotFoundHandler((req, reply) => {
    if (!wantsHtml(req)) return reply.code(404).send(errorBody('http:not_found'));
    return errorPage(reply, req, 404, t(req.lang, 'not_found'));
  });
}
