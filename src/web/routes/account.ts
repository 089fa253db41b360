import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { authenticate, changePassword, endSession, SESSION_TTL_MS, setFirstPassword, startSession, updateUser, type User } from '../../services/accounts/index.js';
import {
  clearSessionCookie,
  deviceUserId,
  PRELOGIN_COOKIE,
  preLoginToken,
  readSigned,
  sameToken,
  setDeviceCookie,
  setSecondFactorCookie,
  setSessionCookie,
  setupPath,
} from '../auth.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { t, type MsgKey } from '../i18n.js';
import { csrfField, errorPage, page, sendHtml } from '../layout.js';
import { adoptLoginLanguage, languageSwitch, rememberLang } from '../ui-language.js';

const LoginBody = z.object({ email: z.string().max(200), password: z.string().max(1000), _csrf: z.string().optional(), next: z.string().max(2000).optional() });
const PasswordBody = z.object({ current: z.string().max(1000).optional(), next: z.string().max(1000), confirm: z.string().max(1000) });
const LanguageBody = z.object({ language: z.enum(['id', 'en']) });

/**
 * Only same-site paths: an attacker's `next=https://evil` must not turn our login into an open redirect. A path starts
 * with one `/`; `//host` and any backslash (browsers read `/\\host` as `//host`) are refused, and so are control
 * characters (a tab or newline inside `/\t/host` is dropped by browsers, leaving `//host`).
 */
export function safeNext(next: string | undefined): string {
  const ok = next !== undefined && next.length <= 2000 && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') && !/[\u0000-\u001f\u007f]/.test(next);
  return ok ? next : '/inbox';
}

/** Finish a sign-in: the session cookie, the device cookie, and where to go (account set-up first, else `next`). */
export function signIn(ctx: WebContext, req: FastifyRequest, reply: FastifyReply, user: User, next: string): FastifyReply {
  const now = ctx.clock();
  const { token: sessionToken } = startSession(ctx.repos, user, now, req.ip);
  setSessionCookie(reply, req, ctx.config, sessionToken, SESSION_TTL_MS);
  adoptLoginLanguage(ctx, req, reply, user);
  setDeviceCookie(reply, req, ctx.config, user.id);
  reply.clearCookie(PRELOGIN_COOKIE, { path: '/login' });
  req.log.info({ userId: user.id }, 'login');
  return reply.redirect(setupPath(user) ?? next, 303);
}

function loginPage(req: FastifyRequest, token: string, next: string, error?: string) {
  const lang = req.lang;
  return page(req, {
    title: t(lang, 'login_title'),
    bodyClass: 'narrow',
    flash: error ? { kind: 'error', text: error } : null,
    body: html`<h1>${t(lang, 'login_title')}</h1>
<form method="post" action="/login" class="stack">
  <input type="hidden" name="_csrf" value="${token}">
  <input type="hidden" name="next" value="${next}">
  <label>${t(lang, 'email')}<input type="email" name="email" autocomplete="username" required autofocus></label>
  <label>${t(lang, 'password')}<input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit" class="primary">${t(lang, 'sign_in')}</button>
</form>
${languageSwitch(req, `/login?next=${encodeURIComponent(next)}`)}`,
  });
}

function passwordPage(req: FastifyRequest, flash?: { kind: 'ok' | 'error'; text: string }) {
  const lang = req.lang;
  // Right after signing in with the one-time password: a welcome (not an error), and that password is not asked again.
  const forced = req.auth?.user.mustChangePassword;
  return page(req, {
    title: t(lang, 'change_password'),
    bodyClass: 'narrow',
    flash: flash ?? (forced ? { kind: 'info', text: t(lang, 'first_password_intro') } : null),
    body: html`<h1>${t(lang, 'change_password')}</h1>
<form method="post" action="/account/password" class="stack">
  ${csrfField(req)}
  ${forced ? '' : html`<label>${t(lang, 'current_password')}<input type="password" name="current" autocomplete="current-password" required></label>`}
  <label>${t(lang, 'new_password')}<input type="password" name="next" autocomplete="new-password" minlength="10" required></label>
  <label>${t(lang, 'confirm_password')}<input type="password" name="confirm" autocomplete="new-password" minlength="10" required></label>
  <button type="submit" class="primary">${t(lang, 'save')}</button>
</form>
${forced ? '' : html`<p><a href="/account/two-factor">${t(lang, 'two_factor_title')}</a></p>`}`,
  });
}

/** Login, logout, own password and language. */
export function accountRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    app.get('/login', async (req, reply) => {
      if (req.auth) return reply.redirect('/inbox', 303);
      const next = safeNext(z.object({ next: z.string().optional() }).safeParse(req.query).data?.next);
      return sendHtml(reply, 200, loginPage(req, preLoginToken(req, reply, ctx.config), next));
    });

    app.post(
      '/login',
      { config: { csrf: false, rateLimit: { max: ctx.loginRateLimit, timeWindow: 60_000 } } },
      async (req, reply) => {
        const body = LoginBody.safeParse(req.body);
        const token = preLoginToken(req, reply, ctx.config);
        if (!body.success) return sendHtml(reply, 400, loginPage(req, token, '/inbox', t(req.lang, 'login_invalid')));
        const next = safeNext(body.data.next);
        // Double-submit check: a cross-site form cannot read or set our signed cookie.
        if (!sameToken(body.data._csrf, readSigned(req, PRELOGIN_COOKIE))) return sendHtml(reply, 403, loginPage(req, token, next, t(req.lang, 'csrf_failed')));
        const now = ctx.clock();
        const res = await authenticate(ctx.repos, body.data.email, body.data.password, now, { ip: req.ip, trustedUserId: deviceUserId(req) });
        if (!res.ok) {
          // One answer for every failure (unknown email, wrong password, throttled): it must not tell which.
          req.log.info('login refused');
          return sendHtml(reply, 401, loginPage(req, token, next, t(req.lang, 'login_failed')));
        }
        if (res.user.totpSecret) {
          setSecondFactorCookie(reply, req, ctx.config, res.user.id, now);
          return reply.redirect(`/login/two-factor?next=${encodeURIComponent(next)}`, 303);
        }
        return signIn(ctx, req, reply, res.user, next);
      },
    );

    app.post('/logout', { config: { beforePasswordChange: true } }, async (req, reply) => {
      if (req.auth) endSession(ctx.repos, req.auth.session, ctx.clock(), req.ip);
      clearSessionCookie(reply);
      return reply.redirect('/login', 303);
    });

    app.get('/account/password', { onRequest: app.requireRole('tracer'), config: { beforePasswordChange: true } }, async (req, reply) =>
      sendHtml(reply, 200, passwordPage(req)),
    );

    app.post('/account/password', { preHandler: app.requireRole('tracer'), config: { beforePasswordChange: true } }, async (req, reply) => {
      const body = PasswordBody.safeParse(req.body);
      const auth = req.auth!;
      if (!body.success) return sendHtml(reply, 400, passwordPage(req, { kind: 'error', text: t(req.lang, 'invalid') }));
      if (body.data.next !== body.data.confirm) return sendHtml(reply, 400, passwordPage(req, { kind: 'error', text: t(req.lang, 'pw_mismatch') }));
      const res = auth.user.mustChangePassword
        ? await setFirstPassword(ctx.repos, auth.user.id, body.data.next, ctx.clock(), req.ip, auth.session.id)
        : await changePassword(ctx.repos, auth.user.id, body.data.current ?? '', body.data.next, ctx.clock(), req.ip, auth.session.id);
      if (!res.ok) return sendHtml(reply, 400, passwordPage(req, { kind: 'error', text: t(req.lang, `pw_${res.error}` as MsgKey) }));
      const after = setupPath({ ...auth.user, mustChangePassword: false });
      return reply.redirect(after ?? '/inbox?ok=password_changed', 303);
    });

    app.post('/account/language', { preHandler: app.requireRole('tracer'), config: { beforePasswordChange: true } }, async (req, reply) => {
      const body = LanguageBody.safeParse(req.body);
      if (!body.success) return errorPage(reply, req, 400, t(req.lang, 'invalid'));
      updateUser(ctx.repos, req.auth!.user.id, { language: body.data.language }, { id: req.auth!.user.id, ip: req.ip }, ctx.clock());
      rememberLang(reply, body.data.language);
      const back = req.headers.referer ? new URL(req.headers.referer, 'http://x').pathname + new URL(req.headers.referer, 'http://x').search : '/inbox';
      return reply.redirect(safeNext(back), 303);
    });
  };
}
