import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { claimNext, listQueue, queueCounts, queuePreviews, queueSearchTerm, unreadCounts, type QueueItem, type QueuePreview, type QueueStatus, type QueueView } from '../../services/inbox/index.js';
import { reasonDetail } from '../views/answers.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { formatDuration, hasKey, t, type MsgKey, type UiLang } from '../i18n.js';
import { csrfField, formatTime, page, sendHtml, tKey } from '../layout.js';
import { callListLink } from './call-tasks.js';
import { refusalText } from './refusal.js';

const QueueQuery = z.object({
  view: z.enum(['mine', 'unassigned', 'all']).default('unassigned'),
  status: z.enum(['active', 'open', 'pending', 'resolved']).default('active'),
  q: z.string().max(100).optional(),
  ok: z.string().optional(),
});

function queueUrl(view: QueueView, status: QueueStatus, fragment = false, q = ''): string {
  return `/inbox${fragment ? '/list' : ''}?view=${view}&status=${status}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
}

const PREVIEW_KINDS: Record<string, MsgKey> = { media: 'preview_media', location: 'preview_location', contacts: 'preview_contacts', start: 'preview_start' };

/** The newest message under the name on a queue card, one line. */
function previewLine(lang: UiLang, p: QueuePreview | undefined): Html | string {
  if (!p) return '';
  const text = p.kind in PREVIEW_KINDS ? t(lang, PREVIEW_KINDS[p.kind]!) : (p.text ?? t(lang, 'preview_other'));
  const line = text.replace(/\s+/g, ' ');
  return html`<div class="preview muted small">${p.direction === 'out' ? t(lang, 'preview_out') : ''}${line.length > 90 ? `${line.slice(0, 89)}…` : line}</div>`;
}

/** The queue table (a fragment, refreshed live). */
export function queueList(req: FastifyRequest, ctx: WebContext, view: QueueView, status: QueueStatus, q = ''): Html {
  const lang = req.lang;
  const me = req.auth!.user;
  const search = queueSearchTerm(q);
  const items = listQueue(ctx.repos, { view, status, userId: me.id, ...(search ? { search } : {}) });
  const previews = queuePreviews(ctx.repos, items.map((i) => i.conversationId));
  const unread = unreadCounts(ctx.repos, me.id, items.map((i) => i.conversationId));
  const now = ctx.clock();
  const counts = queueCounts(ctx.repos, me.id);
  // On a phone each row is a card (app.css); data-label names the field a card shows without the table's header.
  const row = (i: QueueItem) => {
    const p = previews.get(i.conversationId);
    const n = unread.get(i.conversationId) ?? 0;
    return html`<tr class="prio-${i.priority}" data-conversation-id="${i.conversationId}">
    <td class="who"><a href="/inbox/c/${i.conversationId}">${i.patientName ?? i.channelUserId}</a>${n > 0 ? html` <span class="badge new unread" data-unread="${n}" title="${t(lang, 'unread_title', { n })}">${n}</span>` : ''}${previewLine(lang, p)}</td>
    <td data-label="${t(lang, 'col_reason')}">${tKey(lang, `reason_${i.reason}`, i.reason.replace(/_/g, ' '))}${i.detail ? html`<div class="muted small">${reasonDetail(lang, i.detail)}</div>` : ''}</td>
    <td data-label="${t(lang, 'col_priority')}"><span class="badge prio-${i.priority}">${tKey(lang, `priority_${i.priority}`, i.priority)}</span></td>
    <td data-label="${t(lang, 'col_channel')}">${tKey(lang, `channel_${i.channel}`, i.channel)}</td>
    <td data-label="${t(lang, 'col_waiting')}" title="${formatTime(lang, i.waitingSince, ctx.config.TIMEZONE)}">${i.status === 'resolved' ? formatTime(lang, i.resolvedAt ?? i.waitingSince, ctx.config.TIMEZONE) : formatDuration(lang, now - i.waitingSince)}</td>
    <td data-label="${t(lang, 'col_assignee')}">${i.assigneeId === me.id ? t(lang, 'you') : (i.assigneeName ?? html`<span class="muted">${t(lang, 'nobody')}</span>`)}</td>
    <td data-label="${t(lang, 'col_status')}">${tKey(lang, `status_${i.status}`, i.status)}${i.outcome ? html`<div class="muted small">${tKey(lang, `outcome_${i.outcome}`, i.outcome)}</div>` : ''}</td>
  </tr>`;
  };
  return html`<div id="queue-counts" class="counts" data-unassigned="${counts.unassigned}" data-mine="${counts.mine}">
  <span>${t(lang, 'view_unassigned')}: <strong>${counts.unassigned}</strong></span>
  <span>${t(lang, 'view_mine')}: <strong>${counts.mine}</strong> / ${me.maxChats}</span>
</div>
${items.length === 0
  ? html`<p class="empty">${search ? t(lang, 'search_none', { q: q.trim() }) : t(lang, 'no_items')}</p>`
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
      const { view, status, ok, q: search = '' } = q.success ? q.data : QueueQuery.parse({});
      const lang = req.lang;
      const tabs = (['mine', 'unassigned', 'all'] as const).map(
        (v) => html`<a href="${queueUrl(v, status, false, search)}" class="tab ${v === view ? 'on' : ''}">${t(lang, `view_${v}`)}</a>`,
      );
      const filters = (['active', 'open', 'pending', 'resolved'] as const).map(
        (s) => html`<a href="${queueUrl(view, s, false, search)}" class="chip ${s === status ? 'on' : ''}">${t(lang, `status_${s}`)}</a>`,
      );
      const body = html`<div class="queue-head">
  <nav class="tabs">${tabs}</nav>
  <form method="post" action="/inbox/next" class="inline">${csrfField(req)}<button type="submit" class="primary" id="next-chat">${t(lang, 'next_chat')}</button></form>
</div>
<nav class="chips">${filters}</nav>
${callListLink(req, ctx)}
<form method="get" action="/inbox" class="queue-search" role="search">
  <input type="hidden" name="view" value="${view}"><input type="hidden" name="status" value="${status}">
  <label class="sr" for="queue-q">${t(lang, 'search_label')}</label>
  <input type="search" id="queue-q" name="q" value="${search}" maxlength="100" placeholder="${t(lang, 'search_placeholder')}">
  <button type="submit">${t(lang, 'search_go')}</button>${search ? html` <a href="${queueUrl(view, status)}">${t(lang, 'search_clear')}</a>` : ''}
</form>
<section id="queue-list" data-live="queue" hx-get="${queueUrl(view, status, true, search)}" hx-trigger="live-refresh" hx-swap="innerHTML">
${queueList(req, ctx, view, status, search)}
</section>
<p class="shortcuts muted small" id="shortcuts"><strong>${t(lang, 'shortcuts_title')}:</strong> ${t(lang, 'shortcuts_queue')}</p>`;
      const flash = ok && hasKey(ok) ? { kind: 'ok' as const, text: t(lang, ok) } : null;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'nav_inbox'), body, live: true, flash, scripts: ['inbox-keys.js'] }));
    });

    app.get('/inbox/list', { preHandler: tracer }, async (req, reply) => {
      const q = QueueQuery.safeParse(req.query);
      const { view, status, q: search = '' } = q.success ? q.data : QueueQuery.parse({});
      return sendHtml(reply, 200, queueList(req, ctx, view, status, search));
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
