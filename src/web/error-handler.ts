import type { IncomingMessage } from 'node:http';
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
  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    // A body over the limit is refused before it is read; answering while the client still sends makes it see a reset
    // connection instead of our 413. Read (and drop) the rest first, within a bound, then answer.
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') await drain(req.raw, MAX_DRAIN_BYTES, MAX_DRAIN_MS);
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : err.name === 'ZodError' ? 400 : 500;
    if (status >= 500) logEvent(req.log, 'error', 'request failed', { ...errorFields(err), error: 'http:internal', method: logId(req.method), route: logId(req.routeOptions.url ?? 'unmatched') });
    if (!wantsHtml(req)) {
      const code = err.name === 'ZodError' ? 'http:invalid' : codeForStatus(status);
      // Fastify's own codes (FST_ERR_CTP_INVALID_MEDIA_TYPE, ...) say what was wrong with the request: pass them on.
      return reply.code(status).send(errorBody(code, status < 500 && err.code?.startsWith('FST_') ? { message: err.code } : {}));
    }
    const text = status === 429 ? t(req.lang, 'too_many_requests') : status === 413 ? t(req.lang, 'body_too_large') : status >= 500 ? t(req.lang, 'server_error') : status === 404 ? t(req.lang, 'not_found') : t(req.lang, 'invalid');
    return errorPage(reply, req, status, text);
  });
  app.setNotFoundHandler((req, reply) => {
    if (!wantsHtml(req)) return reply.code(404).send(errorBody('http:not_found'));
    return errorPage(reply, req, 404, t(req.lang, 'not_found'));
  });
}

/** How much of an oversized body we read to be able to answer 413 (more, and the connection is closed instead). */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
const MAX_DRAIN_MS = 10_000;

/** Read and discard the rest of a request body, up to `maxBytes` or `maxMs`; resolves when it ended or a bound was hit. */
function drain(raw: IncomingMessage, maxBytes: number, maxMs: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let bytes = 0;
    const done = (): void => {
      clearTimeout(timer);
      raw.removeListener('data', onData);
      raw.removeListener('end', done);
      raw.removeListener('close', done);
      raw.removeListener('error', done);
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    raw.on('data', onData);
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}
