import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  addNote,
  claim,
  editAnswer,
  editExposure,
  ExposureEdit,
  handBack,
  release,
  reply as sendReply,
  resolve,
  RESOLVE_OUTCOMES,
  markChatRead,
  takeOver,
  transfer,
  type InboxActor,
  type InboxRefusal,
  type InboxResult,
} from '../../services/inbox/index.js';
import { conversationGuard } from '../access-guard.js';
import type { WebContext } from '../context.js';
import { hasKey, t, type MsgKey } from '../i18n.js';
import { errorPage, page, sendHtml } from '../layout.js';
import { conversationBody, PARTS, renderPart } from '../views/conversation.js';
import { publishAll } from './inbox.js';
import { refusalText } from './refusal.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const PartParams = IdParams.extend({ part: z.enum(PARTS) });
const ExposureParams = IdParams.extend({ exposureId: z.coerce.number().int().positive() });
const TextBody = z.object({ text: z.string().max(10_000) });
const TransferBody = z.object({ to: z.coerce.number().int().positive() });
const HandBackBody = z.object({ stepId: z.string().max(100).optional() });
const ResolveBody = z.object({ outcome: z.enum(RESOLVE_OUTCOMES) });
// A multiple choice arrives as checked boxes (`values`), stored like a typed comma list.
const AnswerBody = z
  .object({ key: z.string().min(1).max(100), value: z.string().max(2000), values: z.union([z.string().max(200), z.array(z.string().max(200)).max(100)]).optional() })
  .transform(({ key, value, values }) => ({ key, value: values === undefined ? value : [values].flat().join(',') }));
const StepIdPattern = /^[a-z][a-z0-9_]*$/;

function actor(req: FastifyRequest): InboxActor {
  const u = req.auth!.user;
  return { id: u.id, role: u.role, ip: req.ip };
}

/** The conversation page and every action on it. */
export function conversationRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    // Need-to-know: every route here names a conversation; the guard lets through only staff who may open it.
    const tracer = [app.requireRole('tracer'), conversationGuard(ctx)];

    async function show(req: FastifyRequest, reply: FastifyReply, id: number, status: number, flash: { kind: 'ok' | 'error'; text: string } | null) {
      const body = await conversationBody(req, ctx, id);
      if (!body) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      markChatRead(ctx.repos, req.auth!.user.id, id, ctx.clock());
      return sendHtml(reply, status, page(req, { title: t(req.lang, 'nav_inbox'), body, live: true, flash, scripts: ['inbox-keys.js'], styles: ['monitoring.css'] }));
    }

    /** Run an action: on success publish its events and redirect (post/redirect/get); on refusal show the page with why. */
    async function act(req: FastifyRequest, reply: FastifyReply, id: number, run: () => InboxResult | Promise<InboxResult>, okKey: MsgKey, after?: () => Promise<void>, target?: string) {
      const res = await run();
      if (!res.ok) return refused(req, reply, id, res);
      await publishAll(ctx, req, res.events);
      if (after) await after();
      return reply.redirect(target ?? `/inbox/c/${id}?ok=${okKey}`, 303);
    }

    async function refused(req: FastifyRequest, reply: FastifyReply, id: number, res: InboxRefusal) {
      if (res.error === 'not_found') return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      const status = res.error === 'invalid' || res.error === 'phone_taken' ? 400 : 409;
      req.log.info({ conversationId: id, error: res.error }, 'inbox action refused');
      return show(req, reply, id, status, { kind: 'error', text: refusalText(req.lang, res) });
    }

    app.get('/inbox/c/:id', { preHandler: tracer }, async (req, reply) => {
      const p = IdParams.safeParse(req.params);
      if (!p.success) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      const { ok, err } = z.object({ ok: z.string().optional(), err: z.string().optional() }).safeParse(req.query).data ?? {};
      const flash = ok && hasKey(ok) ? { kind: 'ok' as const, text: t(req.lang, ok) } : err && hasKey(err) ? { kind: 'error' as const, text: t(req.lang, err) } : null;
      return show(req, reply, p.data.id, 200, flash);
    });

    app.get('/inbox/c/:id/part/:part', { preHandler: tracer }, async (req, reply) => {
      const p = PartParams.safeParse(req.params);
      if (!p.success) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      const part = await renderPart(req, ctx, p.data.id, p.data.part);
      if (!part) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      // The open chat's transcript refreshing live means its new messages are on the person's screen.
      if (p.data.part === 'transcript') markChatRead(ctx.repos, req.auth!.user.id, p.data.id, ctx.clock());
      return sendHtml(reply, 200, part);
    });

    app.post('/inbox/c/:id/claim', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      return act(req, reply, id, () => claim(ctx.repos, id, actor(req), ctx.clock()), 'claimed_ok');
    });

    app.post('/inbox/c/:id/release', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      return act(req, reply, id, () => release(ctx.repos, id, actor(req), ctx.clock()), 'released_ok', undefined, '/inbox?ok=released_ok');
    });

    // A coordinator or admin takes a chat another tracer holds (audited as take_over, naming the previous holder).
    app.post('/inbox/c/:id/take-over', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      return act(req, reply, id, () => takeOver(ctx.repos, id, actor(req), ctx.clock()), 'took_over_ok');
    });

    app.post('/inbox/c/:id/transfer', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = TransferBody.safeParse(req.body);
      if (!body.success) return refused(req, reply, id, { ok: false, error: 'unknown_user' });
      return act(req, reply, id, () => transfer(ctx.repos, id, body.data.to, actor(req), ctx.clock()), 'transferred_ok');
    });

    app.post('/inbox/c/:id/hand-back', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = HandBackBody.safeParse(req.body);
      const stepId = body.success && body.data.stepId && StepIdPattern.test(body.data.stepId) ? body.data.stepId : null;
      return act(req, reply, id, () => handBack(ctx.repos, id, stepId, actor(req), ctx.clock()), 'handed_back_ok', async () => {
        try {
          await ctx.pipeline.resume(id, stepId ?? undefined);
        } catch (err) {
          // The hand-back is committed: the bot owns the chat. A failed resume leaves it waiting for the patient's next message.
          req.log.error({ err, conversationId: id }, 'resume after hand-back failed');
        }
      });
    });

    app.post('/inbox/c/:id/resolve', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = ResolveBody.safeParse(req.body);
      if (!body.success) return refused(req, reply, id, { ok: false, error: 'invalid' });
      return act(req, reply, id, () => resolve(ctx.repos, id, body.data.outcome, actor(req), ctx.clock()), 'resolved_ok', undefined, '/inbox?view=mine&ok=resolved_ok');
    });

    app.post('/inbox/c/:id/reply', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = TextBody.safeParse(req.body);
      if (!body.success) return refused(req, reply, id, { ok: false, error: 'invalid' });
      return act(req, reply, id, () => sendReply(ctx.repos, id, body.data.text, actor(req), ctx.clock()), 'saved_ok', async () => {
        try {
          await ctx.pipeline.flushOutbox();
        } catch (err) {
          // Committed in the outbox: the sweeper sends it later.
          req.log.warn({ err, conversationId: id }, 'outbox flush failed');
        }
      }, `/inbox/c/${id}`);
    });

    app.post('/inbox/c/:id/note', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = TextBody.safeParse(req.body);
      if (!body.success) return refused(req, reply, id, { ok: false, error: 'invalid' });
      return act(req, reply, id, () => addNote(ctx.repos, id, body.data.text, actor(req), ctx.clock()), 'saved_ok', undefined, `/inbox/c/${id}`);
    });

    app.post('/inbox/c/:id/answer', { preHandler: tracer }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = AnswerBody.safeParse(req.body);
      if (!body.success) return refused(req, reply, id, { ok: false, error: 'invalid' });
      return act(req, reply, id, () => editAnswer(ctx.repos, id, body.data.key, body.data.value, actor(req), ctx.clock(), ctx.config.DEFAULT_COUNTRY), 'saved_ok');
    });

    app.post('/inbox/c/:id/exposure/:exposureId', { preHandler: tracer }, async (req, reply) => {
      const { id, exposureId } = ExposureParams.parse(req.params);
      const body = ExposureEdit.safeParse(req.body);
      if (!body.success) return refused(req, reply, id, { ok: false, error: 'invalid' });
      return act(req, reply, id, () => editExposure(ctx.repos, id, exposureId, body.data, actor(req), ctx.clock(), ctx.config.DEFAULT_COUNTRY), 'saved_ok');
    });
  };
}
