import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isIsoDate, localDate } from '../../flow/answers/index.js';
import type { WebContext } from '../context.js';
import { errorPage } from '../layout.js';
import { t } from '../i18n.js';

/**
 * A tracer records a contact's lab result from the conversation page (issue 16): the same service as
 * `POST /api/v1/contacts/{id}/test-results`, so positive makes the contact a case whose interview starts in their chat.
 */

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const ResultBody = z.object({ result: z.enum(['positive', 'negative']), testedAt: z.string().refine(isIsoDate), back: z.coerce.number().int().positive() });
const BackBody = z.object({ back: z.coerce.number().int().positive() });

/** POST /inbox/contacts/:id/test-result (tracers; audited by the service). */
export function contactResultRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const tracer = app.requireRole('tracer');

    app.post('/inbox/contacts/:id/test-result', { preHandler: tracer }, async (req, reply) => {
      const p = IdParams.safeParse(req.params);
      const back = BackBody.safeParse(req.body);
      if (!p.success || !back.success || !ctx.monitoring) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      const to = (key: string) => reply.redirect(`/inbox/c/${back.data.back}?ok=${key}`, 303);
      const body = ResultBody.safeParse(req.body);
      const today = localDate(ctx.clock(), ctx.config.TIMEZONE);
      if (!body.success || body.data.testedAt > today) return errorPage(reply, req, 400, t(req.lang, 'mon_result_bad'));
      const user = req.auth!.user;
      const r = await ctx.monitoring.recordTestResult(p.data.id, { result: body.data.result, testedAt: body.data.testedAt }, { kind: 'user', id: user.id, ip: req.ip });
      req.log.info({ contactId: p.data.id, outcome: r.kind }, 'contact test result');
      if (r.kind === 'not_found') return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      if (r.kind === 'not_followed') return errorPage(reply, req, 409, t(req.lang, 'mon_result_not_followed'));
      return to(r.duplicate ? 'mon_result_duplicate' : r.caseId !== undefined ? 'mon_result_saved_case' : 'mon_result_saved');
    });
  };
}
