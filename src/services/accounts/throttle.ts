import { createHash } from 'node:crypto';
import type { Repositories } from '../../domain/repositories/index.js';

/**
 * Sign-in throttling: growing delays instead of a lock. After a few free failures, each further failure makes the next
 * attempt wait twice as long (2 s, 4 s, 8 s ... at most 15 min), counted per account and per IP address. An attempt
 * during the wait is refused without looking at the password, with the same answer as a wrong password, so the throttle
 * tells nobody whether an account exists or whether it is being slowed. Unknown emails are counted like real ones.
 *
 * It cannot be turned against the owner: the delay is never more than 15 minutes, and a browser the owner has signed in
 * from before (a signed device cookie, OWASP's "device cookie" scheme) skips the account delay, so an attacker hammering
 * someone's account from elsewhere slows only themselves. Such a browser still counts and waits per IP.
 */
export const THROTTLE = {
  /** Failures remembered this long. */
  windowMs: 60 * 60 * 1000,
  /** Failures per account before delays start (a person mistypes). */
  accountFree: 3,
  /** Failures per IP before delays start (an office shares one address). */
  ipFree: 10,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60 * 1000,
} as const;

type ThrottleStore = Pick<Repositories, 'loginFailures'>;

/** The throttle key of an email (known or not): a hash, so the table holds no addresses. */
export function accountKey(email: string): string {
  return `account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}

/** The throttle key of a client address. */
export function ipKey(ip: string | null): string | null {
  return ip ? `ip:${ip}` : null;
}

/** How long after the last failure the next attempt must wait, given `failures` in the window. */
export function delayAfter(failures: number, free: number): number {
  if (failures <= free) return 0;
  return Math.min(THROTTLE.baseDelayMs * 2 ** (failures - free), THROTTLE.maxDelayMs);
}

/** When the next attempt for this key may be checked (epoch ms; <= now means now). */
function retryAt(repos: ThrottleStore, key: string, free: number, now: number): number {
  const s = repos.loginFailures.stats(key, now - THROTTLE.windowMs);
  return s.lastAt === null ? 0 : s.lastAt + delayAfter(s.count, free);
}

export interface ThrottleQuery {
  email: string;
  ip: string | null;
  /** The request comes from a browser this account signed in from before: the account delay does not apply. */
  trustedDevice: boolean;
}

/** True when an attempt for this email from this address must wait; `until` says until when. */
export function throttled(repos: ThrottleStore, q: ThrottleQuery, now: number): { wait: boolean; until: number } {
  const ip = ipKey(q.ip);
  const until = Math.max(q.trustedDevice ? 0 : retryAt(repos, accountKey(q.email), THROTTLE.accountFree, now), ip ? retryAt(repos, ip, THROTTLE.ipFree, now) : 0);
  return { wait: until > now, until };
}

/** Count a failed password or second-factor check against the account and the address; forgets failures past the window. */
export function recordFailure(repos: ThrottleStore, email: string, ip: string | null, now: number): void {
  const ip_ = ipKey(ip);
  repos.loginFailures.record(ip_ ? [accountKey(email), ip_] : [accountKey(email)], now);
  repos.loginFailures.prune(now - THROTTLE.windowMs);
}

/** Forget an account's failures (its owner signed in, or an admin reset the password). */
export function clearAccountFailures(repos: ThrottleStore, email: string): void {
  repos.loginFailures.clear(accountKey(email));
}
