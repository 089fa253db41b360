import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Repositories } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import type { AccountActor, User } from './users.js';

/** Two-factor login with time-based one-time codes (RFC 6238: 6 digits, 30 s, SHA-1: what every authenticator app reads). */
const ISSUER = 'tracebot';
const RECOVERY_CODES = 10;
// No 0/O/1/l/I: recovery codes are read off paper and typed by hand.
const RECOVERY_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

type TwoFactorStore = Pick<Repositories, 'users' | 'audit' | 'transactions'>;

function totp(secret: string, email: string): TOTP {
  return new TOTP({ issuer: ISSUER, label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** True when this role must sign in with a second factor (admins: they can see and change everything). */
export function twoFactorRequired(user: Pick<User, 'role'>): boolean {
  return user.role === 'admin';
}

/** What an account must do before anything else: change its one-time password, then (admins) turn on two-step sign-in. */
export function accountSetupStep(user: Pick<User, 'role' | 'mustChangePassword' | 'totpSecret'>): 'password' | 'two_factor' | null {
  if (user.mustChangePassword) return 'password';
  if (twoFactorRequired(user) && !user.totpSecret) return 'two_factor';
  return null;
}

/** A fresh random TOTP secret (160 bits, base32), not yet stored. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI an authenticator app scans (as a QR code) or imports. */
export function totpUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

const PERIOD_MS = 30_000;

/**
 * The 30-s time step whose code `code` is, when it is the secret's code at `now` or one step either side (clock drift
 * between phone and server); null otherwise.
 */
export function totpStep(secret: string, code: string, now: number): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totp(secret, '').validate({ token, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / PERIOD_MS) + delta;
}

/** True when `code` is the secret's code at `now` or one step either side. */
export function verifyTotp(secret: string, code: string, now: number): boolean {
  return totpStep(secret, code, now) !== null;
}

const normalRecovery = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
const hashRecovery = (code: string) => createHash('sha256').update(normalRecovery(code)).digest('hex');

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    let s = '';
    for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

export type EnableTwoFactorResult = { ok: true; recoveryCodes: string[] } | { ok: false; error: 'wrong_code' | 'not_found' };

/**
 * Turn two-factor login on with a secret the user's app now shows codes for (the code proves the app has it). Returns
 * the recovery codes once; only their hashes are stored. Audited (`two_factor_on`).
 */
export function enableTwoFactor(repos: TwoFactorStore, userId: number, secret: string, code: string, now: number, ip: string | null = null): EnableTwoFactorResult {
  if (!repos.users.get(userId)) return { ok: false, error: 'not_found' };
  const step = totpStep(secret, code, now);
  if (step === null) return { ok: false, error: 'wrong_code' };
  const recoveryCodes = newRecoveryCodes();
  repos.transactions.transaction(() => {
    // The code just typed is used up: it cannot also sign someone in.
    repos.users.update(userId, { totpSecret: secret, totpLastStep: step, recoveryCodes: recoveryCodes.map(hashRecovery), updatedAt: now });
    audit(repos, { actorKind: 'user', actorId: userId, action: 'two_factor_on', entityType: 'user', entityId: userId, ip }, now);
  });
  return { ok: true, recoveryCodes };
}

/** Turn two-factor login off (the user for themselves, or an admin for someone who lost their phone); audited. */
export function disableTwoFactor(repos: TwoFactorStore, userId: number, actor: AccountActor, now: number): boolean {
  return repos.transactions.transaction(() => {
    if (!repos.users.get(userId)) return false;
    repos.users.update(userId, { totpSecret: null, totpLastStep: null, recoveryCodes: [], updatedAt: now });
    audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'two_factor_off', entityType: 'user', entityId: userId, ip: actor.ip }, now);
    return true;
  });
}

/**
 * Check a sign-in's second factor: a current TOTP code not used before (a code seen once, on the wire or over a shoulder,
 * cannot be replayed), or one unused recovery code (which is then used up and audited as `recovery_code_used`). Returns
 * which one matched, or false.
 */
export function checkSecondFactor(repos: TwoFactorStore, user: User, code: string, now: number, ip: string | null = null): 'totp' | 'recovery' | false {
  if (!user.totpSecret) return false;
  const step = totpStep(user.totpSecret, code, now);
  if (step !== null) {
    return repos.transactions.transaction(() => {
      const last = repos.users.get(user.id)?.totpLastStep ?? null;
      if (last !== null && step <= last) return false;
      repos.users.update(user.id, { totpLastStep: step, updatedAt: now });
      return 'totp' as const;
    });
  }
  const hash = hashRecovery(code);
  if (normalRecovery(code).length !== 10) return false;
  return repos.transactions.transaction(() => {
    const fresh = repos.users.get(user.id);
    if (!fresh?.recoveryCodes.includes(hash)) return false;
    const left = fresh.recoveryCodes.filter((h) => h !== hash);
    repos.users.update(user.id, { recoveryCodes: left, updatedAt: now });
    audit(repos, { actorKind: 'user', actorId: user.id, action: 'recovery_code_used', entityType: 'user', entityId: user.id, details: { left: left.length }, ip }, now);
    return 'recovery' as const;
  });
}
