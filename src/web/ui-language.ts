import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { UserRecord } from '../domain/repositories/index.js';
import { updateUser } from '../services/accounts/index.js';
import type { WebContext } from './context.js';
import { html, type Html } from './html.js';
import { langFromHeader, type UiLang } from './i18n.js';

/** The browser's last chosen (or last signed-in) UI language, so the login page speaks as the app did. */
export const LANG_COOKIE = 'tb_lang';
/** Set when a visitor picked a language on the login page: the account they sign in to takes it. */
const CHOSEN_COOKIE = 'tb_lang_chosen';
const Lang = z.enum(['id', 'en']);
const YEAR_S = 365 * 24 * 3600;

/** The language for a visitor who is not signed in: their last choice in this browser, else Accept-Language. */
export function visitorLang(req: FastifyRequest): UiLang {
  const chosen = Lang.safeParse(req.cookies?.[LANG_COOKIE]);
  return chosen.success ? chosen.data : langFromHeader(req.headers['accept-language']);
}

/** Remember a UI language in this browser (a preference, not a secret). */
export function rememberLang(reply: FastifyReply, lang: UiLang): void {
  reply.setCookie(LANG_COOKIE, lang, { path: '/', httpOnly: true, sameSite: 'lax', maxAge: YEAR_S });
}

/**
 * At sign-in: a language the person just picked on the login page becomes their account's; otherwise the account's
 * language stands. Either way the browser remembers it, so the next login page speaks as the app did.
 */
export function adoptLoginLanguage(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, user: Pick<UserRecord, 'id' | 'language'>): UiLang {
  const picked = req.cookies?.[CHOSEN_COOKIE] === '1';
  if (picked && user.language !== req.lang) updateUser(ctx.repos, user.id, { language: req.lang }, { id: user.id, ip: req.ip }, ctx.clock());
  const lang = picked ? req.lang : user.language;
  rememberLang(reply, lang);
  if (picked) reply.clearCookie(CHOSEN_COOKIE, { path: '/' });
  return lang;
}

/** The language links on pages for visitors (the login page): the current one in bold. */
export function languageSwitch(req: FastifyRequest, back: string): Html {
  const link = (lang: UiLang, label: string) =>
    req.lang === lang ? html`<strong lang="${lang}">${label}</strong>` : html`<a href="/language/${lang}?back=${encodeURIComponent(back)}" lang="${lang}" hreflang="${lang}">${label}</a>`;
  return html`<p class="lang-switch muted small">${link('id', 'Bahasa Indonesia')} · ${link('en', 'English')}</p>`;
}

/** GET /language/:lang for visitors: remember the choice and go back (signed-in users switch with POST /account/language). */
export function uiLanguageRoutes() {
  return async (app: FastifyInstance) => {
    app.get('/language/:lang', async (req, reply) => {
      const lang = Lang.safeParse((req.params as { lang?: unknown }).lang);
      const back = z.string().max(500).safeParse((req.query as { back?: unknown }).back);
      const target = back.success && /^\/(?![/\\])/.test(back.data) ? back.data : '/login';
      if (lang.success) {
        rememberLang(reply, lang.data);
        reply.setCookie(CHOSEN_COOKIE, '1', { path: '/', httpOnly: true, sameSite: 'lax' });
      }
      return reply.redirect(target, 303);
    });
  };
}
