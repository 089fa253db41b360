import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CallOutcome } from '../../domain/monitoring.js';
import type { CallTask } from '../../domain/repositories/index.js';
import { areaScope, inAreaScope } from '../../services/accounts/index.js';
import { recordCallOutcome } from '../../services/monitoring/index.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { formatDuration, hasKey, t, type MsgKey, type UiLang } from '../i18n.js';
import { csrfField, formatTime, page, sendHtml, tKey } from '../layout.js';

/**
 * The tracers' call list (issue 16): contacts the bot cannot write to (no phone, not on WhatsApp, outreach gave up). A tracer
 * calls, then records what happened; "reached" puts the contact into quarantine follow-up like a notified one.
 */

const LIST_LIMIT = 500;
const OUTCOMES: readonly CallOutcome[] = ['reached', 'not_reached', 'wrong_number'];
const OUTCOME_KEY: Record<CallOutcome, MsgKey> = { reached: 'mon_call_reached', not_reached: 'mon_call_not_reached', wrong_number: 'mon_call_wrong_number' };
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const OutcomeBody = z.object({ outcome: z.enum(OUTCOMES as [CallOutcome, ...CallOutcome[]]) });
const FlashQuery = z.object({ ok: z.string().optional(), err: z.string().optional() });

/** Why the bot could not write, in the reader's words. */
function why(lang: UiLang, problem: string | null): string {
  if (problem === 'no_phone') return t(lang, 'mon_call_why_no_phone');
  if (problem === 'not_on_channel') return t(lang, 'mon_call_why_not_on_whatsapp');
  return tKey(lang, `mon_call_why_${problem ?? ''}`, t(lang, 'mon_call_why_failed'));
}

function taskRow(req: FastifyRequest, ctx: WebContext, c: CallTask): Html {
  const lang = req.lang;
  return html`<tr data-enrolment-id="${c.enrolmentId}" data-contact-id="${c.contactId}">
  <td>${c.name}${c.sourceCaseExternalId ? html`<div class="muted small">${t(lang, 'mon_col_named_by')}: ${c.sourceCaseExternalId}</div>` : ''}</td>
  <td>${c.phone ? html`<a href="tel:${c.phone}">${c.phone}</a>` : noPhone(lang, ctx, c)}</td>
  <td>${c.area ?? '—'}</td>
  <td>${why(lang, c.problem)}</td>
  <td>${c.quarantineEnd}</td>
  <td>${formatDuration(lang, ctx.clock() - c.elicitedAt)}${c.callOutcome === 'not_reached' && c.callDoneAt !== null ? html`<div class="muted small">${t(lang, 'mon_call_tried', { time: formatTime(lang, c.callDoneAt, ctx.config.TIMEZONE) })}</div>` : ''}</td>
  <td><form method="post" action="/inbox/calls/${c.enrolmentId}">${csrfField(req)}
    <select name="outcome" aria-label="${t(lang, 'mon_col_outcome')}">${OUTCOMES.map((o) => html`<option value="${o}">${t(lang, OUTCOME_KEY[o])}</option>`)}</select>
    <button type="submit" data-action="record-call">${t(lang, 'mon_call_record')}</button></form></td>
</tr>`;
}

/** No number for the contact: the case who named them can give it (their phone, when we have it). */
function noPhone(lang: UiLang, ctx: WebContext, c: CallTask): Html {
  const source = c.sourceCaseId === null ? undefined : ctx.repos.cases.byId(c.sourceCaseId);
  if (!source?.phone) return html`<span class="muted">${t(lang, 'mon_no_phone')}</span>`;
  return html`<span class="muted">${t(lang, 'mon_no_phone')}</span><div class="small">${t(lang, 'mon_call_ask_case', { case: source.externalId })} <a href="tel:${source.phone}">${source.phone}</a></div>`;
}

/** The call list a user may see: everyone's for staff without an area, their areas' contacts (and those of no known area) otherwise. */
function visibleTasks(ctx: WebContext, req: FastifyRequest, limit: number): CallTask[] {
  const scope = areaScope(req.auth!.user);
  const tasks = ctx.repos.monitoring.callTasks(scope === null ? limit : limit * 20);
  return (scope === null ? tasks : tasks.filter((c) => inAreaScope(c.area, scope))).slice(0, limit);
}

/** A link to the call list with how many contacts wait on it, for the inbox page (nothing when none wait). */
export function callListLink(req: FastifyRequest, ctx: WebContext): Html | '' {
  const lang = req.lang;
  const n = visibleTasks(ctx, req, LIST_LIMIT + 1).length;
  if (n === 0) return '';
  return html`<p class="call-list-link"><a href="/inbox/calls" id="call-list-link" class="chip">${t(lang, 'mon_calls_link', { n: n > LIST_LIMIT ? `${LIST_LIMIT}+` : n })}</a></p>`;
}

/** The call list page and recording a call's outcome (audited by the service). */
export function callTaskRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const tracer = app.requireRole('tracer');

    app.get('/inbox/calls', { preHandler: tracer }, async (req, reply) => {
      const lang = req.lang;
      const tasks = visibleTasks(ctx, req, LIST_LIMIT);
      const q = FlashQuery.safeParse(req.query).data ?? {};
      const key = q.ok ?? q.err;
      const flash = key && hasKey(key) ? { kind: q.ok ? ('ok' as const) : ('error' as const), text: t(lang, key) } : null;
      const body = html`<div class="queue-head"><h1>${t(lang, 'mon_calls_title')}</h1><a href="/inbox">${t(lang, 'back_to_queue')}</a></div>
<p class="muted">${t(lang, 'mon_calls_intro')}</p>
${tasks.length === 0
  ? html`<p class="empty">${t(lang, 'mon_calls_none')}</p>`
  : html`<div class="scroll-x"><table class="queue calls" id="call-list"><thead><tr><th>${t(lang, 'mon_col_contact')}</th><th>${t(lang, 'mon_call_phone_label')}</th><th>${t(lang, 'mon_col_area')}</th><th>${t(lang, 'mon_col_why')}</th><th>${t(lang, 'mon_col_until')}</th><th>${t(lang, 'mon_col_since')}</th><th>${t(lang, 'mon_col_outcome')}</th></tr></thead>
<tbody>${tasks.map((c) => taskRow(req, ctx, c))}</tbody></table></div>`}`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'mon_calls_title'), body, flash, styles: ['monitoring.css'] }));
    });

    app.post('/inbox/calls/:id', { preHandler: tracer }, async (req, reply) => {
      const p = IdParams.safeParse(req.params);
      const body = OutcomeBody.safeParse(req.body);
      if (!p.success || !body.success) return reply.redirect('/inbox/calls?err=mon_call_gone', 303);
      const user = req.auth!.user;
      const scope = areaScope(user);
      const e = ctx.repos.monitoring.byId(p.data.id);
      if (scope !== null && e && !inAreaScope(ctx.repos.monitoring.contact(e.contactId)?.area ?? null, scope)) return reply.redirect('/inbox/calls?err=mon_call_gone', 303);
      const done = recordCallOutcome(ctx.repos, p.data.id, body.data.outcome, { userId: user.id, ip: req.ip }, ctx.clock());
      req.log.info({ enrolmentId: p.data.id, outcome: body.data.outcome, recorded: done }, 'call outcome');
      return reply.redirect(`/inbox/calls?${done ? 'ok=mon_call_saved' : 'err=mon_call_gone'}`, 303);
    });
  };
}
