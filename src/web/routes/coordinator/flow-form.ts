import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applyFormOp, FormOp, readStep, stepIds } from '../../../services/coordinator/flow-form.js';
import type { WebContext } from '../../context.js';
import { html } from '../../html.js';
import { t, type UiLang } from '../../i18n.js';
import { stepFormPanel } from '../../views/coordinator/flow-form.js';
import { FlowId } from './flows.js';

const Params = z.object({ id: FlowId });
const Source = z.string().max(512 * 1024);
const StepBody = z.object({ source: Source, step: z.string().max(64).optional() });
const ApplyBody = z.object({ source: Source, op: FormOp });

/** The panel for `step` (or the first step) of `source`, or a notice when the YAML cannot be read right now. */
function panel(lang: UiLang, source: string, step: string | undefined, message?: { kind: 'ok' | 'error'; text: string }): string {
  const ids = stepIds(source);
  if (!ids || ids.length === 0) return html`<p class="flash error" id="ff-message">${t(lang, 'ff_no_yaml')}</p>`.value;
  const form = readStep(source, step && ids.includes(step) ? step : ids[0]!)!;
  return stepFormPanel(lang, ids, form, message).value;
}

/**
 * The flow page's form editor. The page posts the editor's current YAML with each request; the answer is the form (HTML)
 * and, for a change, the new YAML, which the page puts in the editor, where the usual live check runs on it. Nothing is
 * stored here: saving and publishing stay the editor's buttons, so the YAML is the one source of truth.
 */
export function flowFormRoutes(_ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');

    app.post('/coord/flows/:id/form/step', { preHandler: coordinator, bodyLimit: 1024 * 1024 }, async (req, reply) => {
      Params.parse(req.params);
      const body = StepBody.parse(req.body);
      return reply.header('cache-control', 'no-store').send({ html: panel(req.lang, body.source, body.step) });
    });

    app.post('/coord/flows/:id/form/apply', { preHandler: coordinator, bodyLimit: 1024 * 1024 }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const { source, op } = ApplyBody.parse(req.body);
      const r = applyFormOp(source, op);
      const lang = req.lang;
      if (!r.ok) {
        return reply.header('cache-control', 'no-store').send({ ok: false, html: panel(lang, source, 'step' in op ? op.step : undefined, { kind: 'error', text: t(lang, `ff_${r.error}`) }) });
      }
      req.log.info({ flowId: id, op: op.op, userId: req.auth!.user.id }, 'flow changed through the form');
      const focus = op.op === 'add' ? op.id : op.op === 'delete' ? undefined : op.step;
      return reply.header('cache-control', 'no-store').send({ ok: true, source: r.source, html: panel(lang, r.source, focus, { kind: 'ok', text: t(lang, 'ff_applied') }) });
    });
  };
}
