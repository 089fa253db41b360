import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listApiTokens, revokeApiTokenById } from '../../services/accounts/index.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { csrfField, errorPage, formatTime, page, sendHtml } from '../layout.js';

const TokenParams = z.object({ id: z.coerce.number().int().positive() });

/** The API tokens page (admins): name, role, created, last used, revoked; a revoke button. Tokens are created on the command line. */
export function adminTokenRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const admin = app.requireRole('admin');

    function tokensPage(req: FastifyRequest, reply: FastifyReply, flash: { kind: 'ok' | 'error'; text: string } | null) {
      const lang = req.lang;
      const when = (ms: number | null) => (ms === null ? t(lang, 'token_never') : formatTime(lang, ms, ctx.config.TIMEZONE));
      const tokens = listApiTokens(ctx.repos);
      const body = html`<h1>${t(lang, 'tokens_title')}</h1>
<p class="muted">${t(lang, 'tokens_intro')}</p>
${tokens.length === 0
  ? html`<p class="empty">${t(lang, 'no_tokens')}</p>`
  : html`<table class="tokens"><thead><tr><th>${t(lang, 'token_name')}</th><th>${t(lang, 'role')}</th><th>${t(lang, 'token_created')}</th><th>${t(lang, 'token_last_used')}</th><th>${t(lang, 'col_status')}</th><th></th></tr></thead>
<tbody>${tokens.map(
      (k) => html`<tr data-token-id="${k.id}" class="${k.revokedAt === null ? '' : 'muted'}"><td>${k.name}</td><td>${t(lang, `role_${k.role}`)}</td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td>
  <td>${k.revokedAt === null ? t(lang, 'active') : html`${t(lang, 'token_revoked')} ${when(k.revokedAt)}`}</td>
  <td>${k.revokedAt === null ? html`<form method="post" action="/admin/tokens/${k.id}/revoke" class="inline">${csrfField(req)}<button type="submit" class="danger">${t(lang, 'token_revoke')}</button></form>` : ''}</td></tr>`,
    )}</tbody></table>`}`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'tokens_title'), body, flash }));
    }

    app.get('/admin/tokens', { preHandler: admin }, async (req, reply) => tokensPage(req, reply, null));

    app.post('/admin/tokens/:id/revoke', { preHandler: admin }, async (req, reply) => {
      const p = TokenParams.safeParse(req.params);
      const token = p.success ? listApiTokens(ctx.repos).find((k) => k.id === p.data.id) : undefined;
      if (!token) return errorPage(reply, req, 404, t(req.lang, 'not_found'));
      revokeApiTokenById(ctx.repos, token.id, { id: req.auth!.user.id, ip: req.ip }, ctx.clock());
      return tokensPage(req, reply, { kind: 'ok', text: t(req.lang, 'token_revoked_ok', { name: token.name }) });
    });
  };
}
