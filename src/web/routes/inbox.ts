import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { claimNext, listQueue, queueCounts, type QueueItem, type QueueStatus, type QueueView } from '../../services/inbox/index.js';
import { reasonDetail } from '../views/answers.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { formatDuration, hasKey, t } from '../i18n.js';
import { csrfField, formatTime, page, sendHtml, tKey } from '../layout.js';
import { refusalText } from './refusal.js';

const QueueQuery = z.object({
  view: z.enum(['mine', 'unassigned', 'all']).default('unassigned'),
  status: z.enum(['active', 'open', 'pending', 'resolved']).default('active'),
  ok: z.string().optional(),
});

function queueUrl(view: QueueView, status: QueueStatus, fragment = false): string {
  return `/inbox${fragment ? '/list' : ''}?view=${view}&status=${status}`;
}

/** The queue table (a fragment, refreshed live). */
export function queueList(req: FastifyRequest, ctx: WebContext, view: QueueView, status: QueueStatus): Html {
  const lang = req.lang;
  const me = req.auth!.user;
  const items = listQueue(ctx.repos, { view, status, userId: me.id });
  const now = ctx.clock();
  const counts = queueCounts(ctx.repos, me.id);
  const row = (i: QueueItem) => html`<tr class="prio-${i.priority}" data-conversation-id="${i.conversationId}">
    <td><a href="/inbox/c/${i.conversationId}">${i.patientName ?? i.channelUserId}</a>${i.lastInboundAt && i.lastInboundAt > (i.lastOutboundAt ?? 0) && i.status !== 'resolved' ? html` <span class="badge new" title="${t(lang, 'col_last_message')}">●</span>` : ''}</td>
    <td>${tKey(lang, `reason_${i.reason}`, i.reason.replace(/_/g, ' '))}${i.detail ? html`<div class="muted small">${reasonDetail(lang, i.detail)}</div>` : ''}</td>
    <td><span class="badge prio-${i.priority}">${tKey(lang, `priority_${i.priority}`, i.priority)}</span></td>
    <td>${i.channel}</td>
    <td title="${formatTime(lang, i.waitingSince, ctx.config.TIMEZONE)}">${i.status === 'resolved' ? formatTime(lang, i.resolvedAt ?? i.waitingSince, ctx.config.TIMEZONE) : formatDuration(lang, now - i.waitingSince)}</td>
    <td>${i.assigneeId === me.id ? t(lang, 'you') : (i.assigneeName ?? html`<span class="muted">${t(lang, 'nobody')}</span>`)}</td>
    <td>${tKey(lang, `status_${i.status}`, i.status)}${i.outcome ? html`<div class="muted small">${tKey(lang, `outcome_${i.outcome}`, i.outcome)}</div>` : ''}</td>
  </tr>`;
  return html`<div id="queue-counts" class="counts" data-unassigned="${counts.unassigned}" data-mine="${counts.mine}">
  <span>${t(lang, 'view_unassigned')}: <strong>${counts.unassigned}</strong></span>
  <span>${t(lang, 'view_mine')}: <strong>${counts.mine}</strong> / ${me.maxChats}</span>
</div>
${items.length === 0
  ? html`<p class="empty">${t(lang, 'no_items')}</p>`
  : html`<table class="queue">
  <thead><tr><th>${t(lang, 'col_patient')}</th><th>${t(lang, 'col_reason')}</th><th>${t(lang, 'col_priority')}</th><th>${t(lang, 'col_channel')}</th><th>${t(lang, 'col_waiting')}</th><th>${t(lang, 'col_assignee')}</th><th>${t(lang, 'col_status')}</th></tr></thead>
  <tbody>${items.map(row)}</tbody>
</table>`}`;
}

/** The queue page, the "take next chat" button and the live event stream. */
export function inboxRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const tracer = app.requireRole('tracer');

    app.get('/', async (_req, reply) => reply.redirect('/inbox', 303));

    app.get('/inbox', { preHandler: tracer }, async (req, reply) => {
      const q = QueueQuery.safeParse(req.query);
      const { view, status, ok } = q.success ? q.data : QueueQuery.parse({});
      const lang = req.lang;
      const tabs = (['mine', 'unassigned', 'all'] as const).map(
        (v) => html`<a href="${queueUrl(v, status)}" class="tab ${v === view ? 'on' : ''}">${t(lang, `view_${v}`)}</a>`,
      );
      const filters = (['active', 'open', 'pending', 'resolved'] as const).map(
        (s) => html`<a href="${queueUrl(view, s)}" class="chip ${s === status ? 'on' : ''}">${t(lang, `status_${s}`)}</a>`,
      );
      const body = html`<div class="queue-head">
  <nav class="tabs">${tabs}</nav>
  <form method="post" action="/inbox/next" class="inline">${csrfField(req)}<button type="submit" class="primary" id="next-chat">${t(lang, 'next_chat')}</button></form>
</div>
<nav class="chips">${filters}</nav>
<section id="queue-list" data-live="queue" hx-get="${queueUrl(view, status, true)}" hx-trigger="live-refresh" hx-swap="innerHTML">
${queueList(req, ctx, view, status)}
</section>`;
      const flash = ok && hasKey(ok) ? { kind: 'ok' as const, text: t(lang, ok) } : null;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'nav_inbox'), body, live: true, flash }));
    });

    app.get('/inbox/list', { preHandler: tracer }, async (req, reply) => {
      const q = QueueQuery.safeParse(req.query);
      const { view, status } = q.success ? q.data : QueueQuery.parse({});
      return sendHtml(reply, 200, queueList(req, ctx, view, status));
    });

    app.post('/inbox/next', { preHandler: tracer }, async (req, reply) => {
      const me = req.auth!.user;
      const res = claimNext(ctx.repos, { id: me.id, role: me.role, ip: req.ip }, ctx.clock());
      if (!res.ok) {
        const text = res.error === 'queue_empty' ? t(req.lang, 'queue_empty') : res.error === 'at_cap' ? t(req.lang, 'at_cap', { n: me.maxChats }) : refusalText(req.lang, res);
        const body = html`<p><a href="/inbox">${t(req.lang, 'back_to_queue')}</a></p>`;
        return sendHtml(reply, 409, page(req, { title: t(req.lang, 'nav_inbox'), body, flash: { kind: 'error', text } }));
      }
      await publishAll(ctx, req, res.events);
      return reply.redirect(`/inbox/c/${res.conversationId}?ok=claimed_ok`, 303);
    });

    app.get('/inbox/events', { preHandler: tracer }, async (req, reply) => {
      let unsubscribe = () => {};
      const conn = ctx.streams.start(req, reply, { heartbeatMs: ctx.heartbeatMs, retryMs: ctx.reconnectMs, onClose: () => unsubscribe() });
      if (!conn) return reply;
      // Events carry only ids and types; the page fetches what it may see through the normal, authorised routes.
      unsubscribe = ctx.live.subscribe((e) => conn.send('live', { type: e.type, conversationId: e.conversationId, escalationId: e.escalationId ?? null, messageId: e.messageId ?? null }));
      return reply;
    });
  };
}

/** Publish events after a commit; a failed publish is logged, never undoes the committed action (pages re-fetch on reconnect). */
export async function publishAll(ctx: WebContext, req: FastifyRequest, events: import('../../domain/live-events.js').LiveEvent[]): Promise<void> {
  for (const e of events) {
    try {
      await ctx.live.publish(e);
    } catch (err) {
      req.log.warn({ err, type: e.type, conversationId: e.conversationId }, 'live publish failed');
    }
  }
}
