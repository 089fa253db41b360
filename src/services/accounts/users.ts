import { z } from 'zod';
import type { Repositories, UserRecord } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './password.js';
import { ROLES, type UserRole } from './roles.js';

export type User = UserRecord;

/** What account actions need: users, their sessions, the audit log, and a transaction around them. */
export type AccountStore = Pick<Repositories, 'users' | 'sessions' | 'audit' | 'transactions'>;

/** Who performs an account action (the audit log's actor). Null id: the command line. */
export interface AccountActor {
  id: number | null;
  ip?: string | null;
}

/** Failed logins in this window lock the account until the window passes. */
export const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
export const LOCKOUT_FAILURES = 5;
export const MIN_PASSWORD_LENGTH = 10;

export const NewUserInput = z.object({
  email: z.string().trim().toLowerCase().email().max(200),
  name: z.string().trim().max(200).optional(),
  role: z.enum(ROLES),
  language: z.enum(['id', 'en']).default('id'),
  maxChats: z.coerce.number().int().min(1).max(100).default(5),
});
export type NewUserInput = z.input<typeof NewUserInput>;

export type CreateUserResult = { ok: true; user: User; password: string } | { ok: false; error: 'email_taken' | 'invalid'; detail?: string };

/** Create an account with a one-time password (shown once, changed at first login); audited. */
export async function createUser(repos: AccountStore, input: NewUserInput, actor: AccountActor, now: number): Promise<CreateUserResult> {
  const parsed = NewUserInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: 'invalid', detail: parsed.error.issues.map((i) => i.path.join('.')).join(', ') };
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
        passwordHash,
        mustChangePassword: true,
        createdAt: now,
        updatedAt: now,
      });
      audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'user_create', entityType: 'user', entityId: row.id, details: { role: row.role }, ip: actor.ip }, now);
      return row;
    });
    return { ok: true, user, password };
  } catch (err) {
    // Lost a race with another create of the same email.
    if (String(err).includes('UNIQUE')) return { ok: false, error: 'email_taken' };
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

export type AuthResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Check an email and password. Every failure is audited (`login_failed`, or `login_locked` while the account is locked
 * after LOCKOUT_FAILURES failures in LOCKOUT_WINDOW_MS); unknown emails cost the same time as known ones.
 */
export async function authenticate(repos: AccountStore, email: string, password: string, now: number, ip: string | null = null): Promise<AuthResult> {
  const user = findUserByEmail(repos, email);
  if (!user || !user.active) {
    await verifyPassword(password, await dummyHash());
    repos.transactions.transaction(() => audit(repos, { actorKind: 'system', actorId: null, action: 'login_failed', entityType: 'user', entityId: user?.id ?? null, details: { reason: user ? 'inactive' : 'unknown_email' }, ip }, now));
    return { ok: false, reason: 'invalid' };
  }
  if (recentFailures(repos, user, now) >= LOCKOUT_FAILURES) {
    repos.transactions.transaction(() => audit(repos, { actorKind: 'user', actorId: user.id, action: 'login_locked', entityType: 'user', entityId: user.id, ip }, now));
    return { ok: false, reason: 'locked' };
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    repos.transactions.transaction(() => audit(repos, { actorKind: 'user', actorId: user.id, action: 'login_failed', entityType: 'user', entityId: user.id, details: { reason: 'password' }, ip }, now));
    return recentFailures(repos, user, now) >= LOCKOUT_FAILURES ? { ok: false, reason: 'locked' } : { ok: false, reason: 'invalid' };
  }
  return { ok: true, user };
}

/** Failed password attempts since the window began or the last successful login, whichever is later. */
function recentFailures(repos: Pick<Repositories, 'audit'>, user: User, now: number): number {
  const since = Math.max(now - LOCKOUT_WINDOW_MS, user.lastLoginAt ?? 0);
  return repos.audit.countSince({ entityType: 'user', entityId: String(user.id), action: 'login_failed', since });
}

export type PasswordChangeResult = { ok: true } | { ok: false; error: 'wrong_password' | 'too_short' | 'same_password' };

/** Change one's own password after checking the current one; clears the forced-change flag; audited. */
export async function changePassword(repos: AccountStore, userId: number, current: string, next: string, now: number, ip: string | null = null): Promise<PasswordChangeResult> {
  const user = getUser(repos, userId);
  if (!user || !(await verifyPassword(current, user.passwordHash))) return { ok: false, error: 'wrong_password' };
  if (next.length < MIN_PASSWORD_LENGTH) return { ok: false, error: 'too_short' };
  if (next === current) return { ok: false, error: 'same_password' };
  const passwordHash = await hashPassword(next);
  repos.transactions.transaction(() => {
    repos.users.update(userId, { passwordHash, mustChangePassword: false, updatedAt: now });
    audit(repos, { actorKind: 'user', actorId: userId, action: 'password_change', entityType: 'user', entityId: userId, ip }, now);
  });
  return { ok: true };
}

/** Give an account a new one-time password and end its sessions; returns the password (show it once); audited. */
export async function resetPassword(repos: AccountStore, userId: number, actor: AccountActor, now: number): Promise<string | undefined> {
  if (!getUser(repos, userId)) return undefined;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  repos.transactions.transaction(() => {
    repos.users.update(userId, { passwordHash, mustChangePassword: true, updatedAt: now });
    repos.sessions.deleteForUser(userId);
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
}

/** Change account fields; deactivating ends the account's sessions; audited with old and new values. Returns false if unknown. */
export function updateUser(repos: AccountStore, userId: number, changes: UserChanges, actor: AccountActor, now: number): boolean {
  return repos.transactions.transaction(() => {
    const user = getUser(repos, userId);
    if (!user) return false;
    const diff: Record<string, { old: unknown; new: unknown }> = {};
    for (const [k, v] of Object.entries(changes) as [keyof UserChanges, unknown][]) {
      if (v !== undefined && user[k] !== v) diff[k] = { old: user[k], new: v };
    }
    if (!Object.keys(diff).length) return true;
    repos.users.update(userId, { ...changes, updatedAt: now });
    if (changes.active === false) repos.sessions.deleteForUser(userId);
    const action = Object.keys(diff).length === 1 && diff.language ? 'language_change' : 'user_update';
    audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action, entityType: 'user', entityId: userId, details: diff, ip: actor.ip }, now);
    return true;
  });
}
