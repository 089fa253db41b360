import { createHash, randomBytes } from 'node:crypto';
import type { Repositories, SessionRecord as Session } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import { clearAccountFailures } from './throttle.js';
import type { User } from './users.js';

/** A working day plus slack: tracers log in once per shift. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** A browser session; `id` is the SHA-256 of the cookie token (the row id). */
export type { SessionRecord as Session } from '../../domain/repositories/index.js';

/** What sessions need: the sessions and users, the audit log, and a transaction around them. */
export type SessionStore = Pick<Repositories, 'sessions' | 'users' | 'audit' | 'transactions' | 'loginFailures'>;

/** SHA-256 (hex) of a session token: only this is stored, so a database leak gives no usable cookie. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Start a session for a user who just signed in (password and any second factor): stores it, stamps last login, restarts the account's failure count, audits `login`; returns the cookie token. */
export function startSession(repos: SessionStore, user: User, now: number, ip: string | null = null, ttlMs = SESSION_TTL_MS): { token: string; session: Session } {
  const token = randomBytes(32).toString('base64url');
  const session: Session = { id: hashToken(token), userId: user.id, csrfToken: randomBytes(24).toString('base64url'), expiresAt: now + ttlMs };
  repos.transactions.transaction(() => {
    repos.sessions.insert(session, now);
    repos.users.stampLogin(user.id, now);
    clearAccountFailures(repos, user.email);
    // Housekeeping: expired rows are useless; removing a few on each login keeps the table small.
    repos.sessions.deleteExpired(now);
    audit(repos, { actorKind: 'user', actorId: user.id, action: 'login', entityType: 'user', entityId: user.id, ip }, now);
  });
  return { token, session };
}

/** The live session and its active user for a cookie token, or undefined (unknown, expired or deactivated). */
export function findSession(repos: Pick<Repositories, 'sessions'>, token: string, now: number): { session: Session; user: User } | undefined {
  return repos.sessions.findLive(hashToken(token), now);
}

/** End a session (logout); audits `logout`. */
export function endSession(repos: SessionStore, session: Session, now: number, ip: string | null = null): void {
  repos.transactions.transaction(() => {
    repos.sessions.delete(session.id);
    audit(repos, { actorKind: 'user', actorId: session.userId, action: 'logout', entityType: 'user', entityId: session.userId, ip }, now);
  });
}
