import { z } from 'zod';
import type { Repositories, UserRecord } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './password.js';
import { parseAreaList } from '../../domain/areas.js';
import { isUniqueViolation } from '../../domain/errors.js';
import { ROLES, type UserRole } from './roles.js';
import { clearAccountFailures, recordFailure, throttled } from './throttle.js';

export type User = UserRecord;

/** What account actions need: users, their sessions, the audit log, and a transaction around them. */
export type AccountStore = Pick<Repositories, 'users' | 'sessions' | 'audit' | 'transactions' | 'loginFailures'>;

/** Who performs an account action (the audit log's actor). Null id: the command line. */
export interface AccountActor {
  id: number | null;
  ip?: string | null;
}

export const MIN_PASSWORD_LENGTH = 10;

export const NewUserInput = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  name: z.string().trim().max(200).optional(),
  role: z.enum(ROLES),
  language: z.enum(['id', 'en']).default('id'),
  maxChats: z.coerce.number().int().min(1).max(100).default(5),
  /** Area codes or names, e.g. `31.74,31.75.cakung`; every entry must be a known area. */
  areas: z
    .string()
    .max(2000)
    .default('')
    .transform((v, ctx) => {
      const r = parseAreaList(v);
      if (r.unknown.length) ctx.addIssue({ code: 'custom', message: `unknown area: ${r.unknown.join(', ')}` });
      return r.codes;
    }),
});
export type NewUserInput = z.input<typeof NewUserInput>;

export type CreateUserResult = { ok: true; user: User; password: string } | { ok: false; error: 'email_taken' | 'invalid'; detail?: string };

/** Create an account with a one-time password (shown once, changed at first login); audited. */
export async function createUser(repos: AccountStore, input: NewUserInput, actor: AccountActor, now: number): Promise<CreateUserResult> {
  const parsed = NewUserInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: 'invalid', detail: parsed.error.issues.map((i) => `${i.path.join('.')}${i.code === 'custom' ? ` (${i.message})` : ''}`).join(', ') };
  const u = parsed.data;
  if (findUserByEmail(repos, u.email)) return { ok: false, error: 'email_taken' };
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = repos.transactions.transaction(() => {
      const row = repos.users.insert({
        email: u.email,
        name: u.name || u.email.split('@')[0]!,
        role: u.role,
        language: u.language,
        maxChats: u.maxChats,
        areas: u.areas,
        passwordHash,
        mustChangePassword: true,
        createdAt: now,
        updatedAt: now,
      });
      audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'user_create', entityType: 'user', entityId: row.id, details: { role: row.role, areas: row.areas }, ip: actor.ip }, now);
      return row;
    });
    return { ok: true, user, password };
  } catch (err) {
    // Lost a race with another create of the same email.
    if (isUniqueViolation(err)) return { ok: false, error: 'email_taken' };
    throw err;
  }
}

/** The user with this email (case-insensitive), or undefined. */
export function findUserByEmail(repos: Pick<Repositories, 'users'>, email: string): User | undefined {
  return repos.users.findByEmail(email.trim().toLowerCase());
}

/** The user with this id, or undefined. */
export function getUser(repos: Pick<Repositories, 'users'>, id: number): User | undefined {
  return repos.users.get(id);
}

/** Every account, by email. */
export function listUsers(repos: Pick<Repositories, 'users'>): User[] {
  return repos.users.list();
}

/** Active tracers (any role) to hand a chat to, by name. */
export function listActiveUsers(repos: Pick<Repositories, 'users'>): Pick<User, 'id' | 'name' | 'email' | 'role'>[] {
  return repos.users.listActive();
}

export type AuthResult = { ok: true; user: User } | { ok: false };

/** How a sign-in attempt arrives: the client's address, and whether its browser signed in to this account before. */
export interface AttemptContext {
  ip?: string | null;
  /** The account id a valid device cookie names (see throttle.ts), if any. */
  trustedUserId?: number | null;
  /** The password check (default `verifyPassword`); tests pass a counting one to prove every path does the same work. */
  verify?: (password: string, stored: string) => Promise<boolean>;
}

/**
 * Check an email and password under the throttle (throttle.ts). Every failure looks the same to the caller and costs
 * one password hash whatever the reason (unknown email, inactive, throttled, wrong password), so neither the answer nor
 * its timing tells whether an account exists or is being slowed. Failures are audited (`login_failed` with the reason,
 * `login_throttled`) and counted. A success does not yet clear the count: the second factor may still fail.
 */
export async function authenticate(repos: AccountStore, email: string, password: string, now: number, attempt: AttemptContext = {}): Promise<AuthResult> {
  const ip = attempt.ip ?? null;
  const user = findUserByEmail(repos, email);
  const known = user !== undefined && user.active;
  const wait = throttled(repos, { email, ip, trustedDevice: known && attempt.trustedUserId === user.id }, now).wait;
  const matches = await (attempt.verify ?? verifyPassword)(password, known && !wait ? user.passwordHash : await dummyHash());
  if (wait) {
    repos.transactions.transaction(() => audit(repos, { actorKind: 'system', actorId: null, action: 'login_throttled', entityType: 'user', entityId: user?.id ?? null, ip }, now));
    return { ok: false };
  }
  if (!known || !matches) {
    const reason = !user ? 'unknown_email' : !user.active ? 'inactive' : 'password';
    repos.transactions.transaction(() => {
      recordFailure(repos, email, ip, now);
      audit(repos, { actorKind: user ? 'user' : 'system', actorId: user?.id ?? null, action: 'login_failed', entityType: 'user', entityId: user?.id ?? null, details: { reason }, ip }, now);
    });
    return { ok: false };
  }
  return { ok: true, user };
}

/** Count a failed second factor like a failed password (throttled per account and address); audited `login_failed`. */
export function secondFactorFailed(repos: AccountStore, user: User, now: number, ip: string | null = null): void {
  repos.transactions.transaction(() => {
    recordFailure(repos, user.email, ip, now);
    audit(repos, { actorKind: 'user', actorId: user.id, action: 'login_failed', entityType: 'user', entityId: user.id, details: { reason: 'second_factor' }, ip }, now);
  });
}

/** True when a second-factor attempt for this user must wait (the same throttle as passwords). */
export function secondFactorThrottled(repos: AccountStore, user: User, now: number, attempt: AttemptContext = {}): boolean {
  return throttled(repos, { email: user.email, ip: attempt.ip ?? null, trustedDevice: attempt.trustedUserId === user.id }, now).wait;
}

export type PasswordChangeResult = { ok: true } | { ok: false; error: 'wrong_password' | 'too_short' | 'same_password' };

/**
 * Change one's own password after checking the current one; clears the forced-change flag and ends the user's other
 * sessions (a stolen session dies with the old password; `keepSessionId` is the one making the change); audited.
 */
export async function changePassword(repos: AccountStore, userId: number, current: string, next: string, now: number, ip: string | null = null, keepSessionId: string | null = null): Promise<PasswordChangeResult> {
  const user = getUser(repos, userId);
  if (!user || !(await verifyPassword(current, user.passwordHash))) return { ok: false, error: 'wrong_password' };
  if (next.length < MIN_PASSWORD_LENGTH) return { ok: false, error: 'too_short' };
  if (next === current) return { ok: false, error: 'same_password' };
  await storePassword(repos, userId, next, now, ip, keepSessionId);
  return { ok: true };
}

/**
 * Choose one's own password right after signing in with a one-time password: the session that asks was opened with
 * that password a moment ago, so it is not asked for again. Only while the forced-change flag is set; otherwise as
 * `changePassword`.
 */
export async function setFirstPassword(repos: AccountStore, userId: number, next: string, now: number, ip: string | null = null, keepSessionId: string | null = null): Promise<PasswordChangeResult> {
  const user = getUser(repos, userId);
  if (!user?.mustChangePassword) return { ok: false, error: 'wrong_password' };
  if (next.length < MIN_PASSWORD_LENGTH) return { ok: false, error: 'too_short' };
  if (await verifyPassword(next, user.passwordHash)) return { ok: false, error: 'same_password' };
  await storePassword(repos, userId, next, now, ip, keepSessionId);
  return { ok: true };
}

async function storePassword(repos: AccountStore, userId: number, next: string, now: number, ip: string | null, keepSessionId: string | null): Promise<void> {
  const passwordHash = await hashPassword(next);
  repos.transactions.transaction(() => {
    repos.users.update(userId, { passwordHash, mustChangePassword: false, updatedAt: now });
    if (keepSessionId === null) repos.sessions.deleteForUser(userId);
    else repos.sessions.deleteForUserExcept(userId, keepSessionId);
    audit(repos, { actorKind: 'user', actorId: userId, action: 'password_change', entityType: 'user', entityId: userId, ip }, now);
  });
}

/** Give an account a new one-time password, end its sessions and lift its sign-in delay; returns the password (show it once); audited. */
export async function resetPassword(repos: AccountStore, userId: number, actor: AccountActor, now: number): Promise<string | undefined> {
  const user = getUser(repos, userId);
  if (!user) return undefined;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  repos.transactions.transaction(() => {
    repos.users.update(userId, { passwordHash, mustChangePassword: true, updatedAt: now });
    repos.sessions.deleteForUser(userId);
    clearAccountFailures(repos, user.email);
    audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'password_reset', entityType: 'user', entityId: userId, ip: actor.ip }, now);
  });
  return password;
}

export interface UserChanges {
  role?: UserRole;
  active?: boolean;
  maxChats?: number;
  language?: 'id' | 'en';
  name?: string;
  /** Area codes (already checked: see `parseAreaList`). */
  areas?: string[];
}

/** Change account fields; deactivating ends the account's sessions; audited with old and new values. Returns false if unknown. */
export function updateUser(repos: AccountStore, userId: number, changes: UserChanges, actor: AccountActor, now: number): boolean {
  return repos.transactions.transaction(() => {
    const user = getUser(repos, userId);
    if (!user) return false;
    const diff: Record<string, { old: unknown; new: unknown }> = {};
    for (const [k, v] of Object.entries(changes) as [keyof UserChanges, unknown][]) {
      const differs = Array.isArray(v) ? JSON.stringify(v) !== JSON.stringify(user[k]) : user[k] !== v;
      if (v !== undefined && differs) diff[k] = { old: user[k], new: v };
    }
    if (!Object.keys(diff).length) return true;
    repos.users.update(userId, { ...changes, updatedAt: now });
    if (changes.active === false) repos.sessions.deleteForUser(userId);
    const action = Object.keys(diff).length === 1 && diff.language ? 'language_change' : 'user_update';
    audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action, entityType: 'user', entityId: userId, details: diff, ip: actor.ip }, now);
    return true;
  });
}
