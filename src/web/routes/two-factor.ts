import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import {
  checkSecondFactor,
  disableTwoFactor,
  enableTwoFactor,
  getUser,
  newTotpSecret,
  secondFactorFailed,
  secondFactorThrottled,
  totpUri,
  twoFactorRequired,
  verifyPassword,
} from '../../services/accounts/index.js';
import { deviceUserId, preLoginToken, readSigned, PRELOGIN_COOKIE, sameToken, SECOND_FACTOR_COOKIE, secondFactorUserId, setupPath } from '../auth.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { csrfField, errorPage, page, sendHtml } from '../layout.js';
import { safeNext, signIn } from './account.js';

const CodeBody = z.object({ code: z.string().max(40), _csrf: z.string().optional(), next: z.string().max(2000).optional() });
const EnableBody = z.object({ secret: z.string().regex(/^[A-Z2-7]{32}$/), code: z.string().max(40) });
const OffBody = z.object({ password: z.string().max(1000) });

function codePage(req: FastifyRequest, token: string, next: string, error?: string) {
  const lang = req.lang;
  return page(req, {
    title: t(lang, 'two_factor_title'),
    bodyClass: 'narrow',
    flash: error ? { kind: 'error', text: error } : null,
    body: html`<h1>${t(lang, 'two_factor_title')}</h1>
<p>${t(lang, 'two_factor_prompt')}</p>
<form method="post" action="/login/two-factor" class="stack">
  <input type="hidden" name="_csrf" value="${token}">
  <input type="hidden" name="next" value="${next}">
  <label>${t(lang, 'two_factor_code')}<input name="code" autocomplete="one-time-code" inputmode="text" required autofocus></label>
  <button type="submit" class="primary">${t(lang, 'verify')}</button>
</form>`,
  });
}

/** The second step of signing in, and turning two-step sign-in on and off for one's own account. */
export function twoFactorRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const signedIn = app.requireRole('tracer');
    const setup = { beforePasswordChange: true };

    app.get('/login/two-factor', async (req, reply) => {
      if (secondFactorUserId(req, ctx.clock()) === null) return reply.redirect('/login', 303);
      const next = safeNext(z.object({ next: z.string().optional() }).safeParse(req.query).data?.next);
      return sendHtml(reply, 200, codePage(req, preLoginToken(req, reply, ctx.config), next));
    });

    app.post('/login/two-factor', { config: { csrf: false, rateLimit: { max: ctx.loginRateLimit, timeWindow: 60_000 } } }, async (req, reply) => {
      const now = ctx.clock();
      const body = CodeBody.safeParse(req.body);
      const token = preLoginToken(req, reply, ctx.config);
      const next = safeNext(body.data?.next);
      if (!body.success || !sameToken(body.data._csrf, readSigned(req, PRELOGIN_COOKIE))) return sendHtml(reply, 403, codePage(req, token, next, t(req.lang, 'csrf_failed')));
      const userId = secondFactorUserId(req, now);
      const user = userId === null ? undefined : getUser(ctx.repos, userId);
      if (!user?.active || !user.totpSecret) {
        reply.clearCookie(SECOND_FACTOR_COOKIE, { path: '/login' });
        return sendHtml(reply, 401, codePage(req, token, next, t(req.lang, 'two_factor_expired')));
      }
      const attempt = { ip: req.ip, trustedUserId: deviceUserId(req) };
      // A throttled attempt is refused without checking the code, with the same answer as a wrong one.
      const passed = !secondFactorThrottled(ctx.repos, user, now, attempt) && checkSecondFactor(ctx.repos, user, body.data.code, now, req.ip);
      if (!passed) {
        secondFactorFailed(ctx.repos, user, now, req.ip);
        req.log.info({ userId: user.id }, 'second factor refused');
        return sendHtml(reply, 401, codePage(req, token, next, t(req.lang, 'two_factor_failed')));
      }
      reply.clearCookie(SECOND_FACTOR_COOKIE, { path: '/login' });
      return signIn(ctx, req, reply, user, next);
    });

    app.get('/account/two-factor', { preHandler: signedIn, config: setup }, async (req, reply) => {
      const lang = req.lang;
      const user = req.auth!.user;
      if (user.totpSecret) {
        const body = html`<h1>${t(lang, 'two_factor_title')}</h1>
<p class="flash ok">${t(lang, 'two_factor_on')}</p>
<p>${t(lang, 'recovery_codes_left', { n: user.recoveryCodes.length })}</p>
${twoFactorRequired(user)
  ? ''
  : html`<form method="post" action="/account/two-factor/off" class="stack">${csrfField(req)}
  <label>${t(lang, 'password')}<input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit" class="danger">${t(lang, 'two_factor_turn_off')}</button></form>`}`;
        return sendHtml(reply, 200, page(req, { title: t(lang, 'two_factor_title'), bodyClass: 'narrow', body }));
      }
      return sendHtml(reply, 200, await enrolPage(req, newTotpSecret()));
    });

    async function enrolPage(req: FastifyRequest, secret: string, error?: string) {
      const lang = req.lang;
      const user = req.auth!.user;
      const uri = totpUri(secret, user.email);
      const qr = await QRCode.toDataURL(uri, { margin: 1, width: 220 });
      const flash = error ? { kind: 'error' as const, text: error } : twoFactorRequired(user) ? { kind: 'info' as const, text: t(lang, 'two_factor_required_admin') } : null;
      return page(req, {
        title: t(lang, 'two_factor_title'),
        bodyClass: 'narrow',
        flash,
        body: html`<h1>${t(lang, 'two_factor_title')}</h1>
<p>${t(lang, 'two_factor_setup_intro')}</p>
<img class="qr" src="${qr}" alt="QR" width="220" height="220">
<p>${t(lang, 'two_factor_secret')}: <code id="totp-secret">${secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
<details><summary>${t(lang, 'two_factor_uri')}</summary><code id="totp-uri">${uri}</code></details>
<form method="post" action="/account/two-factor" class="stack">${csrfField(req)}
  <input type="hidden" name="secret" value="${secret}">
  <label>${t(lang, 'two_factor_code')}<input name="code" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9 ]{6,7}" required></label>
  <button type="submit" class="primary">${t(lang, 'two_factor_turn_on')}</button>
</form>`,
      });
    }

    app.post('/account/two-factor', { preHandler: signedIn, config: setup }, async (req, reply) => {
      const lang = req.lang;
      const body = EnableBody.safeParse(req.body);
      if (!body.success) return errorPage(reply, req, 400, t(lang, 'invalid'));
      const user = req.auth!.user;
      if (user.totpSecret) return reply.redirect('/account/two-factor', 303);
      const res = enableTwoFactor(ctx.repos, user.id, body.data.secret, body.data.code, ctx.clock(), req.ip);
      if (!res.ok) return sendHtml(reply, 400, await enrolPage(req, body.data.secret, t(lang, 'two_factor_wrong_code')));
      const after = setupPath({ ...user, totpSecret: body.data.secret }) ?? '/inbox';
      const shown = html`<h1>${t(lang, 'recovery_codes_title')}</h1>
<p class="flash ok">${t(lang, 'two_factor_on')}</p>
<p>${t(lang, 'recovery_codes_intro')}</p>
<ul class="recovery-codes">${res.recoveryCodes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<p><a class="button primary" href="${after}">${t(lang, 'continue')}</a></p>`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'recovery_codes_title'), bodyClass: 'narrow', body: shown }));
    });

    app.post('/account/two-factor/off', { preHandler: signedIn }, async (req, reply) => {
      const body = OffBody.safeParse(req.body);
      const user = req.auth!.user;
      if (!body.success || twoFactorRequired(user)) return errorPage(reply, req, 400, t(req.lang, 'invalid'));
      if (!(await verifyPassword(body.data.password, user.passwordHash))) return errorPage(reply, req, 400, t(req.lang, 'pw_wrong_password'));
      disableTwoFactor(ctx.repos, user.id, { id: user.id, ip: req.ip }, ctx.clock());
      return reply.redirect('/account/two-factor', 303);
    });
  };
}
