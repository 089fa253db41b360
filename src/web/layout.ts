import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountSetupStep, hasRole } from '../services/accounts/index.js';
import { html, trusted, type Html } from './html.js';
import { hasKey, t, type UiLang } from './i18n.js';

// Scripts only from our own origin: even if some text slipped through unescaped, an injected inline script would not run.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

// htmx: never keep page snapshots in localStorage (patient data on shared tablets); no eval; our own CSS only.
const HTMX_CONFIG = JSON.stringify({ historyCacheSize: 0, refreshOnHistoryMiss: true, allowEval: false, includeIndicatorStyles: false, selfRequestsOnly: true });

/**
 * The security headers of every page we serve: a strict Content-Security-Policy, no sniffing, no framing, no caching (pages
 * hold patient data). `inlineStyles` allows inline styles only, for pages we do not write (Bull Board); scripts stay 'self'.
 */
export function securityHeaders(o: { inlineStyles?: boolean } = {}): Record<string, string> {
  return {
    'content-security-policy': o.inlineStyles ? CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") : CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

/** Send an HTML document or fragment with UTF-8 and the security headers. */
export function sendHtml(reply: FastifyReply, status: number, body: Html): FastifyReply {
  return reply.code(status).header('content-type', 'text/html; charset=utf-8').headers(securityHeaders()).send(body.value);
}

/** The hidden CSRF field every form of a signed-in page carries. */
export function csrfField(req: FastifyRequest): Html {
  return req.auth ? html`<input type="hidden" name="_csrf" value="${req.auth.session.csrfToken}">` : html``;
}

export interface PageOptions {
  title: string;
  body: Html;
  /** A notice above the content: kind ok, info or error. */
  flash?: { kind: 'ok' | 'info' | 'error'; text: string } | null;
  /** Set on pages that listen to the live stream. */
  live?: boolean;
  /** Extra class on <body>. */
  bodyClass?: string;
  /** Scripts other than app.js (paths under /assets). */
  scripts?: string[];
  /** Stylesheets other than app.css (paths under /assets). */
  styles?: string[];
}

/** A whole page: header with navigation for the signed-in user, flash notice, content. */
export function page(req: FastifyRequest, o: PageOptions): Html {
  const lang = req.lang;
  const user = req.auth?.user;
  // Until the account is set up (own password, an admin's two-step sign-in) its pages lead nowhere else: no links.
  const links = user && accountSetupStep(user) === null;
  const nav = user
    ? html`<nav class="nav">
        ${links ? html`<a href="/inbox">${t(lang, 'nav_inbox')}</a><a href="/inbox/all">${t(lang, 'nav_all_conversations')}</a>
        ${hasRole(user.role, 'coordinator') ? html`<a href="/coord/dashboard">${t(lang, 'nav_dashboard')}</a><a href="/coord/cases">${t(lang, 'nav_cases')}</a><a href="/coord/contacts">${t(lang, 'nav_contacts')}</a><a href="/coord/monitoring">${t(lang, 'nav_monitoring')}</a><a href="/coord/flows">${t(lang, 'nav_flows')}</a>` : ''}
        ${hasRole(user.role, 'admin') ? html`<a href="/admin/users">${t(lang, 'nav_users')}</a><a href="/admin/audit">${t(lang, 'nav_audit')}</a><a href="/admin/tokens">${t(lang, 'nav_tokens')}</a><a href="/admin/queues">${t(lang, 'nav_queues')}</a><a href="/admin/privacy">${t(lang, 'nav_privacy')}</a>` : ''}
        <a href="/account/password">${t(lang, 'nav_account')}</a>` : ''}
        <form method="post" action="/account/language" class="inline">
          ${csrfField(req)}<input type="hidden" name="language" value="${lang === 'id' ? 'en' : 'id'}">
          <button type="submit" class="link" title="${t(lang, 'language')}">${lang === 'id' ? 'EN' : 'ID'}</button>
        </form>
        <span class="who">${user.name}</span>
        <form method="post" action="/logout" class="inline">${csrfField(req)}<button type="submit" class="link">${t(lang, 'sign_out')}</button></form>
      </nav>`
    : '';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${o.title} · Tracebot</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
${(o.styles ?? []).map((s) => html`<link rel="stylesheet" href="/assets/${s}">`)}
<script src="/assets/htmx.min.js" defer></script>
<script src="/assets/app.js" defer></script>
${(o.scripts ?? []).map((s) => html`<script src="/assets/${s}" defer></script>`)}
</head>
<body class="${o.bodyClass ?? ''}" ${o.live ? trusted('data-stream="/inbox/events"') : ''}>
<header class="top">
  <a class="brand" href="/inbox">Tracebot</a>
  ${o.live ? html`<span id="live-status" class="live-status" data-ok="${t(lang, 'live_connected')}" data-wait="${t(lang, 'live_reconnecting')}">${t(lang, 'live_reconnecting')}</span>` : ''}
  ${nav}
</header>
<main>
${o.flash ? html`<p class="flash ${o.flash.kind}" role="status">${o.flash.text}</p>` : ''}
${o.body}
</main>
</body>
</html>`;
}

/** An error page (or a plain fragment for htmx requests) with a message and no detail of the failure. */
export function errorPage(reply: FastifyReply, req: FastifyRequest, status: number, message: string): FastifyReply {
  if (req.headers['hx-request']) return sendHtml(reply, status, html`<p class="flash error">${message}</p>`);
  return sendHtml(reply, status, page(req, { title: String(status), body: html`<p class="flash error">${message}</p><p><a href="/inbox">${t(req.lang, 'nav_inbox')}</a></p>` }));
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** A local date and time (the deployment's time zone) for tables and transcripts. */
export function formatTime(lang: UiLang, at: number, timeZone: string): string {
  const key = `${lang}|${timeZone}`;
  let f = timeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { timeZone, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
    timeFormats.set(key, f);
  }
  return f.format(at);
}

/** Translate a key that is built at run time (e.g. `priority_${p}`), falling back to the raw value. */
export function tKey(lang: UiLang, key: string, fallback: string): string {
  return hasKey(key) ? t(lang, key) : fallback;
}
