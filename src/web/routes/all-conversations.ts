import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { linkChatToCase, listAllConversations, type DirectoryRow } from '../../services/inbox/all-conversations.js';
import { conversationGuard } from '../access-guard.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { hasKey, t } from '../i18n.js';
import { csrfField, formatTime, page, sendHtml, tKey } from '../layout.js';

const Status = z.enum(['bot', 'tracer', 'closed', 'unlinked']);
const Channel = z.enum(['telegram', 'whatsapp', 'fake']);
const ListQuery = z.object({
  q: z.string().max(100).optional(),
  status: z.union([Status, z.literal('')]).optional(),
  channel: z.union([Channel, z.literal('')]).optional(),
  ok: z.string().optional(),
  err: z.string().optional(),
});
const LinkBody = z.object({ case: z.string().trim().min(1).max(100), back: z.string().optional() });
const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** "All conversations" (finished ones too) with search and filters, and linking a chat without a case to one. */
export function allConversationRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const tracer = app.requireRole('tracer');

    app.get('/inbox/all', { preHandler: tracer }, async (req, reply) => {
      const lang = req.lang;
      const parsed = ListQuery.safeParse(req.query);
      const q = parsed.success ? parsed.data : {};
      const rows = listAllConversations(ctx.repos, { search: q.q, status: q.status || undefined, channel: q.channel || undefined, limit: 300 }, req.auth!.user);
      const state = (r: DirectoryRow) =>
        r.owner === 'closed'
          ? `${t(lang, 'owner_closed')}${r.closedReason ? ` (${tKey(lang, `closed_${r.closedReason}`, r.closedReason.replace(/_/g, ' '))})` : ''}`
          : r.owner === 'tracer'
            ? t(lang, 'owner_tracer', { name: r.assigneeName ?? t(lang, 'owner_with_tracer') })
            : t(lang, 'owner_bot');
      const linkForm = (r: DirectoryRow) =>
        html`<form method="post" action="/inbox/c/${r.conversationId}/link-case" class="inline link-case">${csrfField(req)}<input type="hidden" name="back" value="all"><input name="case" required size="10" placeholder="${t(lang, 'all_conv_case_number')}" aria-label="${t(lang, 'all_conv_case_number')}"><button type="submit" class="small-btn">${t(lang, 'all_conv_link')}</button></form>`;
      const flashKey = q.ok ?? q.err;
      const flash = flashKey?.startsWith('all_conv_') && hasKey(flashKey) ? { kind: q.ok ? ('ok' as const) : ('error' as const), text: t(lang, flashKey) } : null;
      const body = html`<h1>${t(lang, 'all_conv_title')}</h1>
<p class="muted">${t(lang, 'all_conv_intro')}</p>
<form method="get" action="/inbox/all" class="grid-form" id="all-conv-filter">
  <label>${t(lang, 'search')}<input name="q" value="${q.q ?? ''}" placeholder="${t(lang, 'all_conv_search_hint')}"></label>
  <label>${t(lang, 'all_conv_status')}<select name="status"><option value="">${t(lang, 'all_conv_any')}</option>${Status.options.map((s) => html`<option value="${s}"${q.status === s ? ' selected' : ''}>${t(lang, `all_conv_status_${s}`)}</option>`)}</select></label>
  <label>${t(lang, 'all_conv_channel')}<select name="channel"><option value="">${t(lang, 'all_conv_any')}</option>${Channel.options.map((c) => html`<option value="${c}"${q.channel === c ? ' selected' : ''}>${t(lang, `channel_${c}`)}</option>`)}</select></label>
  <button type="submit">${t(lang, 'filter')}</button>
</form>
${rows.length === 0
  ? html`<p class="empty">${t(lang, 'all_conv_none')}</p>`
  : html`<div class="table-scroll"><table class="all-conversations" id="all-conversations"><thead><tr><th>${t(lang, 'all_conv_patient')}</th><th>${t(lang, 'all_conv_case')}</th><th>${t(lang, 'all_conv_channel')}</th><th>${t(lang, 'all_conv_status')}</th><th>${t(lang, 'all_conv_last_activity')}</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr data-conversation-id="${r.conversationId}">
  <td><a href="/inbox/c/${r.conversationId}">${r.caseName ?? r.channelUserId}</a></td>
  <td>${r.caseId !== null ? (r.caseExternalId ?? '') : html`<span class="muted">${t(lang, 'all_conv_no_case')}</span> ${linkForm(r)}`}</td>
  <td>${t(lang, `channel_${r.channel}`)}</td>
  <td class="conv-state">${state(r)}</td>
  <td>${formatTime(lang, r.lastActivityAt, ctx.config.TIMEZONE)}</td>
</tr>`,
  )}</tbody></table></div>`}`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'all_conv_title'), body, flash }));
    });

    app.post('/inbox/c/:id/link-case', { preHandler: [tracer, conversationGuard(ctx)] }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const body = LinkBody.safeParse(req.body);
      const back = (key: string, ok: boolean) => reply.redirect(body.success && body.data.back === 'all' ? `/inbox/all?${ok ? 'ok' : 'err'}=${key}` : `/inbox/c/${id}?${ok ? 'ok' : 'err'}=${key}`, 303);
      if (!body.success) return back('all_conv_case_not_found', false);
      const actor = { id: req.auth!.user.id, role: req.auth!.user.role, areas: req.auth!.user.areas, ip: req.ip };
      const r = linkChatToCase(ctx.repos, (f, v) => ctx.flows.get(f, v), id, body.data.case, actor, ctx.clock());
      if (!r.ok) return back(r.error === 'already_linked' ? 'all_conv_already_linked' : 'all_conv_case_not_found', false);
      req.log.info({ conversationId: id, caseId: r.caseId, userId: actor.id }, 'chat linked to a case');
      return back('all_conv_linked', true);
    });
  };
}
