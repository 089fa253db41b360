import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AREAS, parseAreaList } from '../../domain/areas.js';
import { createUser, disableTwoFactor, listUsers, resetPassword, ROLES, updateUser, getUser } from '../../services/accounts/index.js';
import { listAudit } from '../../services/audit.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { csrfField, errorPage, formatTime, page, sendHtml } from '../layout.js';

const UserParams = z.object({ id: z.coerce.number().int().positive() });
const NewUserBody = z.object({ email: z.string().max(200), name: z.string().max(200).optional(), role: z.enum(ROLES), language: z.enum(['id', 'en']).default('id'), maxChats: z.coerce.number().int().min(1).max(100).default(5), areas: z.string().max(2000).default('') });
const UpdateBody = z.object({
  role: z.enum(ROLES).optional(),
  active: z.enum(['true', 'false']).optional(),
  maxChats: z.coerce.number().int().min(1).max(100).optional(),
  areas: z.string().max(2000).optional(),
});
const AuditQuery = z.object({
  action: z.string().max(50).optional(),
  actor: z.string().max(200).optional(),
  entityType: z.string().max(50).optional(),
  entityId: z.string().max(50).optional(),
  before: z.coerce.number().int().positive().optional(),
});

/** Account management and the audit log: admins only. */
export function adminRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const admin = app.requireRole('admin');

    function usersPage(req: FastifyRequest, reply: FastifyReply, status: number, flash: { kind: 'ok' | 'error'; text: string } | null) {
      const lang = req.lang;
      const me = req.auth!.user;
      const rows = listUsers(ctx.repos).map(
        (u) => html`<tr class="${u.active ? '' : 'muted'}" data-user-id="${u.id}">
  <td>${u.email}</td><td>${u.name}</td>
  <td><form method="post" action="/admin/users/${u.id}" class="inline">${csrfField(req)}<select name="role" aria-label="${t(lang, 'role')}">${ROLES.map((r) => html`<option value="${r}" ${u.role === r ? 'selected' : ''}>${t(lang, `role_${r}`)}</option>`)}</select>
    <input type="number" name="maxChats" min="1" max="100" value="${u.maxChats}" class="num" aria-label="${t(lang, 'max_chats')}">
    <input name="areas" value="${u.areas.join(', ')}" placeholder="${t(lang, 'all_areas')}" aria-label="${t(lang, 'areas')}" class="areas" list="area-codes"><button type="submit">${t(lang, 'save')}</button></form></td>
  <td>${u.active ? t(lang, 'active') : t(lang, 'inactive')}${u.mustChangePassword ? html` <span class="muted small">(OTP)</span>` : ''}</td>
  <td>${u.totpSecret ? html`✓ <form method="post" action="/admin/users/${u.id}/two-factor-off" class="inline">${csrfField(req)}<button type="submit">${t(lang, 'two_factor_reset')}</button></form>` : '—'}</td>
  <td>${u.lastLoginAt ? formatTime(lang, u.lastLoginAt, ctx.config.TIMEZONE) : '—'}</td>
  <td>${u.id === me.id ? '' : html`<form method="post" action="/admin/users/${u.id}" class="inline">${csrfField(req)}<input type="hidden" name="active" value="${u.active ? 'false' : 'true'}"><button type="submit" class="${u.active ? 'danger' : ''}">${u.active ? t(lang, 'deactivate') : t(lang, 'activate')}</button></form>`}
      <form method="post" action="/admin/users/${u.id}/reset" class="inline">${csrfField(req)}<button type="submit">${t(lang, 'reset_password')}</button></form></td>
</tr>`,
      );
      const body = html`<h1>${t(lang, 'users_title')}</h1>
<table class="users"><thead><tr><th>${t(lang, 'email')}</th><th>${t(lang, 'name')}</th><th>${t(lang, 'role')} / ${t(lang, 'max_chats')}</th><th>${t(lang, 'col_status')}</th><th>${t(lang, 'two_factor_col')}</th><th>${t(lang, 'last_login')}</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<h2>${t(lang, 'new_user')}</h2>
<form method="post" action="/admin/users" class="grid-form">${csrfField(req)}
  <label>${t(lang, 'email')}<input type="email" name="email" required></label>
  <label>${t(lang, 'name')}<input name="name"></label>
  <label>${t(lang, 'role')}<select name="role">${ROLES.map((r) => html`<option value="${r}">${t(lang, `role_${r}`)}</option>`)}</select></label>
  <label>${t(lang, 'language')}<select name="language"><option value="id">Bahasa Indonesia</option><option value="en">English</option></select></label>
  <label>${t(lang, 'max_chats')}<input type="number" name="maxChats" min="1" max="100" value="5"></label>
  <label>${t(lang, 'areas')}<input name="areas" placeholder="${t(lang, 'all_areas')}" list="area-codes"></label>
  <button type="submit" class="primary">${t(lang, 'create')}</button>
</form>
<p class="muted small">${t(lang, 'areas_hint')}</p>
<datalist id="area-codes">${AREAS.map((a) => html`<option value="${a.code}">${a.name}</option>`)}</datalist>
<details><summary>${t(lang, 'area_list')}</summary><ul class="plain small">${AREAS.map((a) => html`<li>${a.parent ? '\u00a0\u00a0' : ''}<code>${a.code}</code> ${a.name}</li>`)}</ul></details>`;
      return sendHtml(reply, status, page(req, { title: t(lang, 'users_title'), body, flash }));
    }

    app.get('/admin/users', { preHandler: admin }, async (req, reply) => usersPage(req, reply, 200, null));

    app.post('/admin/users', { preHandler: admin }, async (req, reply) => {
      const body = NewUserBody.safeParse(req.body);
      if (!body.success) return usersPage(req, reply, 400, { kind: 'error', text: t(req.lang, 'invalid') });
      const res = await createUser(ctx.repos, body.data, { id: req.auth!.user.id, ip: req.ip }, ctx.clock());
      if (!res.ok) {
        const unknown = parseAreaList(body.data.areas).unknown;
        const text = res.error === 'email_taken' ? t(req.lang, 'email_taken') : unknown.length ? t(req.lang, 'areas_unknown', { list: unknown.join(', ') }) : t(req.lang, 'invalid');
        return usersPage(req, reply, 400, { kind: 'error', text });
      }
      return usersPage(req, reply, 200, { kind: 'ok', text: t(req.lang, 'one_time_password', { email: res.user.email, password: res.password }) });
    });

    app.post('/admin/users/:id', { preHandler: admin }, async (req, reply) => {
      const p = UserParams.safeParse(req.params);
      const body = UpdateBody.safeParse(req.body);
      if (!p.success || !body.success) return usersPage(req, reply, 400, { kind: 'error', text: t(req.lang, 'invalid') });
      // An admin cannot lock themselves out by deactivating or demoting their own account.
      const self = p.data.id === req.auth!.user.id;
      const areas = body.data.areas === undefined ? undefined : parseAreaList(body.data.areas);
      if (areas?.unknown.length) return usersPage(req, reply, 400, { kind: 'error', text: t(req.lang, 'areas_unknown', { list: areas.unknown.join(', ') }) });
      const changes = {
        areas: areas?.codes,
        role: self ? undefined : body.data.role,
        active: self || body.data.active === undefined ? undefined : body.data.active === 'true',
        maxChats: body.data.maxChats,
      };
      if (!updateUser(ctx.repos, p.data.id, changes, { id: req.auth!.user.id, ip: req.ip }, ctx.clock())) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      return reply.redirect('/admin/users', 303);
    });

    app.post('/admin/users/:id/reset', { preHandler: admin }, async (req, reply) => {
      const p = UserParams.safeParse(req.params);
      const user = p.success ? getUser(ctx.repos, p.data.id) : undefined;
      if (!user) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      const password = await resetPassword(ctx.repos, user.id, { id: req.auth!.user.id, ip: req.ip }, ctx.clock());
      return usersPage(req, reply, 200, { kind: 'ok', text: t(req.lang, 'one_time_password', { email: user.email, password: password ?? '' }) });
    });

    app.post('/admin/users/:id/two-factor-off', { preHandler: admin }, async (req, reply) => {
      const p = UserParams.safeParse(req.params);
      const user = p.success ? getUser(ctx.repos, p.data.id) : undefined;
      if (!user) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      disableTwoFactor(ctx.repos, user.id, { id: req.auth!.user.id, ip: req.ip }, ctx.clock());
      return usersPage(req, reply, 200, { kind: 'ok', text: t(req.lang, 'two_factor_reset_ok', { email: user.email }) });
    });

    app.get('/admin/audit', { preHandler: admin }, async (req, reply) => {
      const lang = req.lang;
      const q = AuditQuery.safeParse(req.query);
      const f = q.success ? q.data : {};
      const actorUser = f.actor ? (/^\d+$/.test(f.actor) ? getUser(ctx.repos, Number(f.actor)) : listUsers(ctx.repos).find((u) => u.email === f.actor?.toLowerCase())) : undefined;
      const rows = listAudit(ctx.repos, {
        action: f.action || undefined,
        actorId: f.actor ? (actorUser?.id ?? -1) : undefined,
        entityType: f.entityType || undefined,
        entityId: f.entityId || undefined,
        beforeId: f.before,
        limit: 100,
      });
      const last = rows.at(-1);
      const params = new URLSearchParams(Object.entries({ action: f.action, actor: f.actor, entityType: f.entityType, entityId: f.entityId }).filter((e): e is [string, string] => Boolean(e[1])));
      const body = html`<h1>${t(lang, 'audit_title')}</h1>
<form method="get" action="/admin/audit" class="grid-form">
  <label>${t(lang, 'action')}<input name="action" value="${f.action ?? ''}" placeholder="claim, reply, login_failed…"></label>
  <label>${t(lang, 'actor')}<input name="actor" value="${f.actor ?? ''}" placeholder="email / id"></label>
  <label>${t(lang, 'entity')}<input name="entityType" value="${f.entityType ?? ''}" placeholder="conversation, user…"></label>
  <label>ID<input name="entityId" value="${f.entityId ?? ''}"></label>
  <button type="submit">${t(lang, 'filter')}</button>
</form>
<table class="audit"><thead><tr><th>${t(lang, 'time')}</th><th>${t(lang, 'actor')}</th><th>${t(lang, 'action')}</th><th>${t(lang, 'entity')}</th><th>${t(lang, 'details')}</th><th>IP</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr data-action="${r.action}"><td>${formatTime(lang, r.at, ctx.config.TIMEZONE)}</td><td>${r.actorEmail ?? (r.actorId ? `#${r.actorId}` : r.actorKind)}</td><td>${r.action}</td>
  <td>${r.entityType === 'conversation' && r.entityId ? html`<a href="/inbox/c/${r.entityId}">${r.entityType} ${r.entityId}</a>` : r.entityType === 'case' && r.entityId ? html`<a href="/coord/cases/${r.entityId}">${r.entityType} ${r.entityId}</a>` : `${r.entityType ?? ''} ${r.entityId ?? ''}`}</td>
  <td><code>${r.details ?? ''}</code></td><td>${r.ip ?? ''}</td></tr>`,
      )}</tbody></table>
${last && rows.length === 100 ? html`<p><a href="/admin/audit?${params.toString()}${params.size ? '&' : ''}before=${last.id}">${t(lang, 'older')}</a></p>` : ''}`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'audit_title'), body }));
    });
  };
}
