import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { audit } from '../services/audit.js';
import { areaScope, caseAccess, caseViewers, conversationAccess, recordView, type AccessDecision } from '../services/accounts/index.js';
import type { WebContext } from './context.js';
import { errorBody } from './error-body.js';
import { html, type Html } from './html.js';
import { t } from './i18n.js';
import { errorPage, formatTime } from './layout.js';
import { logEvent } from '../domain/log-event.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** The page routes whose GET is "opening" the record (written to the audit log); fragments and actions are not. */
const PAGE_ROUTES = new Set(['/inbox/c/:id', '/coord/cases/:id']);

function deny(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, entityType: 'case' | 'conversation', id: number) {
  const user = req.auth!.user;
  ctx.repos.transactions.transaction(() => audit(ctx.repos, { actorKind: 'user', actorId: user.id, action: 'access_denied', entityType, entityId: id, ip: req.ip }, ctx.clock()));
  logEvent(req.log, 'warn', 'access denied', { userId: user.id, [`${entityType}Id`]: id });
  if (!req.headers.accept?.includes('text/html') && req.url.startsWith('/api/')) return reply.code(403).send(errorBody('auth:forbidden'));
  return errorPage(reply, req, 403, t(req.lang, entityType === 'conversation' ? 'not_your_area' : 'forbidden'));
}

function guard(ctx: WebContext, entityType: 'case' | 'conversation', decide: (req: FastifyRequest, id: number) => AccessDecision): preHandlerAsyncHookHandler {
  return async function accessGuard(req, reply) {
    const p = IdParams.safeParse(req.params);
    // Unknown ids fall through to the route, which answers 404 as before.
    if (!p.success || !req.auth) return;
    const decision = decide(req, p.data.id);
    if (decision === 'forbidden') return deny(ctx, req, reply, entityType, p.data.id);
    if (decision === 'ok' && req.method === 'GET' && PAGE_ROUTES.has(req.routeOptions.url ?? '')) recordView(ctx.repos, req.auth.user, entityType, p.data.id, ctx.clock(), req.ip);
  };
}

/**
 * After `requireRole`: lets through only staff who may open the conversation in `:id` (services/accounts/access.ts),
 * answers 403 (audited `access_denied`) otherwise, and writes each opening of the conversation page to the audit log.
 */
export function conversationGuard(ctx: WebContext): preHandlerAsyncHookHandler {
  return guard(ctx, 'conversation', (req, id) => conversationAccess(ctx.repos, req.auth!.user, id));
}

/** The same for the case in `:id` (coordinator pages). */
export function caseGuard(ctx: WebContext): preHandlerAsyncHookHandler {
  return guard(ctx, 'case', (req, id) => caseAccess(ctx.repos, req.auth!.user, id));
}

/** Pages listing people of every area at once: the contact registry, transmission chains, the CSV exports, the follow-up roster. */
const OFFICE_WIDE = ['/coord/contacts', '/coord/chains', '/coord/exports', '/coord/monitoring'];

/**
 * Keeps staff limited to areas out of the office-wide lists of people (they see their areas' cases and chats instead):
 * a 403, audited as `access_denied`. Staff without an area and admins pass. Runs before the routes' role checks, so a
 * visitor who is not signed in still goes to the login page.
 */
export function officeWideGuard(ctx: WebContext): preHandlerAsyncHookHandler {
  return async function officeWide(req, reply) {
    const user = req.auth?.user;
    if (!user || !areaScope(user)) return;
    const path = req.url.split('?')[0]!;
    if (!OFFICE_WIDE.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}.`))) return;
    ctx.repos.transactions.transaction(() => audit(ctx.repos, { actorKind: 'user', actorId: user.id, action: 'access_denied', entityType: 'page', entityId: null, details: { route: req.routeOptions.url ?? null }, ip: req.ip }, ctx.clock()));
    return errorPage(reply, req, 403, t(req.lang, 'office_wide_only'));
  };
}

/** "Who looked at this case": for admins, the openings of the case page and of its conversations; empty for others. */
export function caseViewersSection(ctx: WebContext, req: FastifyRequest, caseId: number): Html {
  const lang = req.lang;
  if (req.auth?.user.role !== 'admin') return html``;
  const views = caseViewers(ctx.repos, caseId);
  return html`<section class="card" id="case-viewers"><h2>${t(lang, 'case_viewers_title')}</h2>${views.length
    ? html`<table><thead><tr><th>${t(lang, 'time')}</th><th>${t(lang, 'actor')}</th><th>${t(lang, 'entity')}</th></tr></thead><tbody>${views.map(
        (v) => html`<tr data-viewer="${v.actorEmail ?? ''}"><td>${formatTime(lang, v.at, ctx.config.TIMEZONE)}</td><td>${v.actorEmail ?? (v.actorId === null ? '—' : `#${v.actorId}`)}</td><td>${v.entityType === 'case' ? t(lang, 'viewed_case_page') : t(lang, 'viewed_conversation', { id: v.entityId })}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">${t(lang, 'case_viewers_none')}</p>`}</section>`;
}
