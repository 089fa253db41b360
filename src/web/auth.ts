import { randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config/index.js';
import { createRepositories, type Db } from '../db/index.js';
import { logEvent, logId } from '../domain/log-event.js';
import { accountSetupStep, findSession, hasRole, type Session, type User, type UserRole } from '../services/accounts/index.js';
import { t, type UiLang } from './i18n.js';
import { visitorLang } from './ui-language.js';
import { errorBody } from './error-body.js';
import { errorPage } from './layout.js';

export const SESSION_COOKIE = 'tb_sid';
export const PRELOGIN_COOKIE = 'tb_pre';
/** "This browser signed in to account N before": lets its owner past the account's sign-in delay (services/accounts/throttle.ts). */
export const DEVICE_COOKIE = 'tb_dev';
/** Between a right password and the second factor: which account, until when (signed, 5 minutes, only sent to /login). */
export const SECOND_FACTOR_COOKIE = 'tb_2fa';
const DEVICE_TTL_S = 180 * 24 * 60 * 60;
const SECOND_FACTOR_TTL_MS = 5 * 60 * 1000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user and session, or null. Loaded from the session cookie for every request. */
    auth: { user: User; session: Session } | null;
    /** The UI language: the user's, else the browser's. */
    lang: UiLang;
  }
  interface FastifyInstance {
    /** A hook (onRequest or preHandler) letting through only signed-in users with at least `role`; others go to login or get 403. */
    requireRole(role: UserRole): preHandlerAsyncHookHandler;
  }
  interface FastifyContextConfig {
    /**
     * false: this route takes unsafe methods without a CSRF token (pages that need no login). 'same-origin': a request
     * the browser marks as same-origin (Sec-Fetch-Site, else Origin) passes without a token (Bull Board's JSON API,
     * whose client we do not write and which sends no token).
     */
    csrf?: boolean | 'same-origin';
    /**
     * true: reachable while the account is not set up yet (one-time password still to change, or an admin's two-step
     * sign-in still to turn on): the pages that set it up, language and sign-out.
     */
    beforePasswordChange?: boolean;
  }
}

export interface AuthOptions {
  config: Config;
  db: Db;
  clock: () => number;
  /** Login attempts per IP per minute. */
  loginRateLimit: number;
  warn: (msg: string) => void;
}

/**
 * True when cookies must be Secure: always in production (a proxy may terminate TLS, so the request itself can look like
 * plain HTTP), otherwise when the page was reached over HTTPS (directly or per PUBLIC_URL).
 */
export function isHttps(req: FastifyRequest, config: Config): boolean {
  return config.NODE_ENV === 'production' || req.protocol === 'https' || Boolean(config.PUBLIC_URL?.startsWith('https:'));
}

/** Set the signed, HttpOnly, SameSite=Lax session cookie (Secure in production). */
export function setSessionCookie(reply: FastifyReply, req: FastifyRequest, config: Config, token: string, maxAgeMs: number): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(req, config), signed: true, maxAge: Math.floor(maxAgeMs / 1000) });
}

/** Remember that this browser signed in to `userId` (the device cookie). */
export function setDeviceCookie(reply: FastifyReply, req: FastifyRequest, config: Config, userId: number): void {
  reply.setCookie(DEVICE_COOKIE, String(userId), { path: '/login', httpOnly: true, sameSite: 'strict', secure: isHttps(req, config), signed: true, maxAge: DEVICE_TTL_S });
}

/** The account this browser signed in to before (a valid device cookie), or null. */
export function deviceUserId(req: FastifyRequest): number | null {
  const v = readSigned(req, DEVICE_COOKIE);
  return v && /^\d+$/.test(v) ? Number(v) : null;
}

/** Start the second step of a sign-in: the account whose password was right, valid for 5 minutes. */
export function setSecondFactorCookie(reply: FastifyReply, req: FastifyRequest, config: Config, userId: number, now: number): void {
  reply.setCookie(SECOND_FACTOR_COOKIE, `${userId}.${now + SECOND_FACTOR_TTL_MS}`, { path: '/login', httpOnly: true, sameSite: 'strict', secure: isHttps(req, config), signed: true });
}

/** The account waiting for its second factor, unless missing, tampered with or expired. */
export function secondFactorUserId(req: FastifyRequest, now: number): number | null {
  const m = /^(\d+)\.(\d+)$/.exec(readSigned(req, SECOND_FACTOR_COOKIE) ?? '');
  return m && Number(m[2]) > now ? Number(m[1]) : null;
}

/** Where an account that is not set up yet must go first, or null when it is set up. */
export function setupPath(user: User): string | null {
  const step = accountSetupStep(user);
  return step === 'password' ? '/account/password' : step === 'two_factor' ? '/account/two-factor' : null;
}

/** Remove the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The login form's CSRF token (double-submit: a signed cookie and the same value in the form), created if missing. */
export function preLoginToken(req: FastifyRequest, reply: FastifyReply, config: Config): string {
  const existing = readSigned(req, PRELOGIN_COOKIE);
  if (existing) return existing;
  const token = randomBytes(24).toString('base64url');
  reply.setCookie(PRELOGIN_COOKIE, token, { path: '/login', httpOnly: true, sameSite: 'strict', secure: isHttps(req, config), signed: true });
  return token;
}

/** A signed cookie's value, or undefined when missing or tampered with. */
export function readSigned(req: FastifyRequest, name: string): string | undefined {
  const raw = req.cookies[name];
  if (!raw) return undefined;
  const res = req.unsignCookie(raw);
  return res.valid && res.value ? res.value : undefined;
}

/** Constant-time string equality. */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The CSRF token a request carries: the `x-csrf-token` header (htmx) or the `_csrf` form field. */
export function requestCsrf(req: FastifyRequest): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body;
  if (body && typeof body === 'object' && '_csrf' in body) {
    const v = (body as Record<string, unknown>)._csrf;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/**
 * True when the browser says the request comes from our own pages: `Sec-Fetch-Site: same-origin`, or (older browsers)
 * an Origin whose host is this request's Host or PUBLIC_URL's. A cross-site page cannot set either header, and a request
 * with neither is refused. Only for session-authenticated JSON endpoints whose client cannot send our CSRF token.
 */
export function isSameOrigin(req: FastifyRequest, config: Config): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === 'null') return false;
  try {
    // Through URL, so default ports compare equal (Origin `http://x` and Host `x:80`).
    const from = new URL(origin);
    const own = new URL(`${from.protocol}//${req.headers.host ?? ''}`);
    return from.host === own.host || (config.PUBLIC_URL !== undefined && from.origin === new URL(config.PUBLIC_URL).origin);
  } catch {
    return false;
  }
}

/** True when the client wants a page (browsers, htmx) rather than JSON (API clients). */
export function wantsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? '';
  if (req.headers['hx-request'] || accept.includes('text/html')) return true;
  return !accept.includes('application/json') && !req.url.startsWith('/api/');
}

/**
 * Cookies, form bodies, rate limiting, the session loader, CSRF checking and `app.requireRole`. Installed on the root
 * instance (not encapsulated) so every later route and plugin, including the lead's API and bull-board, can use them.
 */
export async function installAuth(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const secret = opts.config.SESSION_SECRET ?? randomBytes(32).toString('hex');
  if (!opts.config.SESSION_SECRET) opts.warn('SESSION_SECRET is not set: using a random one, sessions end when the server restarts');
  if (opts.config.NODE_ENV === 'production' && !opts.config.PUBLIC_URL?.startsWith('https:')) {
    opts.warn('PUBLIC_URL is not an https:// address: in production the session cookie is Secure, so browsers send it only over HTTPS; serve tracebot behind HTTPS and set PUBLIC_URL to that address');
  }
  await app.register(fastifyCookie, { secret });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyRateLimit, { global: false });
  app.decorateRequest('auth', null);
  app.decorateRequest('lang', 'id');

  app.addHook('onRequest', async (req) => {
    req.lang = visitorLang(req);
    if (req.url.startsWith('/assets/')) return;
    const token = readSigned(req, SESSION_COOKIE);
    if (!token) return;
    const found = findSession(createRepositories(opts.db), token, opts.clock());
    if (!found) return;
    req.auth = found;
    req.lang = found.user.language;
  });

  app.addHook('preHandler', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const mode = req.routeOptions.config.csrf;
    if (!req.auth || mode === false) return;
    if (mode === 'same-origin' && isSameOrigin(req, opts.config)) return;
    if (!sameToken(requestCsrf(req), req.auth.session.csrfToken)) {
      logEvent(req.log, 'warn', 'csrf token missing or wrong', { userId: req.auth.user.id, route: req.routeOptions.url === undefined ? undefined : logId(req.routeOptions.url) });
      return errorPage(reply, req, 403, t(req.lang, 'csrf_failed'));
    }
  });

  app.decorate('requireRole', (role: UserRole): preHandlerAsyncHookHandler => {
    return async function requireRoleHook(req, reply) {
      if (!req.auth) {
        if (!wantsHtml(req)) return reply.code(401).send(errorBody('auth:unauthorized'));
        const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
        if (req.headers['hx-request']) return reply.code(401).header('HX-Redirect', `/login${next}`).send();
        return reply.redirect(`/login${next}`, 303);
      }
      const setup = setupPath(req.auth.user);
      if (setup && !req.routeOptions.config.beforePasswordChange) {
        if (!wantsHtml(req)) return reply.code(403).send(errorBody('auth:password_change_required'));
        return reply.redirect(setup, 303);
      }
      if (!hasRole(req.auth.user.role, role)) {
        logEvent(req.log, 'warn', 'role too low', { userId: req.auth.user.id, role, route: req.routeOptions.url === undefined ? undefined : logId(req.routeOptions.url) });
        if (!wantsHtml(req)) return reply.code(403).send(errorBody('auth:forbidden'));
        return errorPage(reply, req, 403, t(req.lang, 'forbidden'));
      }
    };
  });
}
