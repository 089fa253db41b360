import { and, asc, count, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import { schema, tx, type Db } from '../../db/index.js';
import { audit } from '../audit.js';
import { dummyHash, generatePassword, hashPassword, verifyPassword } from './password.js';
import { ROLES, type UserRole } from './roles.js';

export type User = typeof schema.users.$inferSelect;

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
export async function createUser(db: Db, input: NewUserInput, actor: AccountActor, now: number): Promise<CreateUserResult> {
  const parsed = NewUserInput.safeParse(input);
  if (!parsed.success) return { ok: false, error: 'invalid', detail: parsed.error.issues.map((i) => i.path.join('.')).join(', ') };
  const u = parsed.data;
  if (findUserByEmail(db, u.email)) return { ok: false, error: 'email_taken' };
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = tx(db, () => {
      const row = db
        .insert(schema.users)
        .values({
          email: u.email,
          name: u.name || u.email.split('@')[0]!,
          role: u.role,
          language: u.language,
          maxChats: u.maxChats,
          passwordHash,
          mustChangePassword: true,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      audit(db, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'user_create', entityType: 'user', entityId: row.id, details: { role: row.role }, ip: actor.ip }, now);
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
export function findUserByEmail(db: Db, email: string): User | undefined {
  return db.select().from(schema.users).where(eq(schema.users.email, email.trim().toLowerCase())).get();
}

/** The user with this id, or undefined. */
export function getUser(db: Db, id: number): User | undefined {
  return db.select().from(schema.users).where(eq(schema.users.id, id)).get();
}

/** Every account, by email. */
export function listUsers(db: Db): User[] {
  return db.select().from(schema.users).orderBy(asc(schema.users.email)).all();
}

/** Active tracers (any role) to hand a chat to, by name. */
export function listActiveUsers(db: Db): Pick<User, 'id' | 'name' | 'email' | 'role'>[] {
  return db
    .select({ id: schema.users.id, name: schema.users.name, email: schema.users.email, role: schema.users.role })
    .from(schema.users)
    .where(eq(schema.users.active, true))
    .orderBy(asc(schema.users.name))
    .all();
}

export type AuthResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Check an email and password. Every failure is audited (`login_failed`, or `login_locked` while the account is locked
 * after LOCKOUT_FAILURES failures in LOCKOUT_WINDOW_MS); unknown emails cost the same time as known ones.
 */
export async function authenticate(db: Db, email: string, password: string, now: number, ip: string | null = null): Promise<AuthResult> {
  const user = findUserByEmail(db, email);
  if (!user || !user.active) {
    await verifyPassword(password, await dummyHash());
    tx(db, () => audit(db, { actorKind: 'system', actorId: null, action: 'login_failed', entityType: 'user', entityId: user?.id ?? null, details: { reason: user ? 'inactive' : 'unknown_email' }, ip }, now));
    return { ok: false, reason: 'invalid' };
  }
  if (recentFailures(db, user, now) >= LOCKOUT_FAILURES) {
    tx(db, () => audit(db, { actorKind: 'user', actorId: user.id, action: 'login_locked', entityType: 'user', entityId: user.id, ip }, now));
    return { ok: false, reason: 'locked' };
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    tx(db, () => audit(db, { actorKind: 'user', actorId: user.id, action: 'login_failed', entityType: 'user', entityId: user.id, details: { reason: 'password' }, ip }, now));
    return recentFailures(db, user, now) >= LOCKOUT_FAILURES ? { ok: false, reason: 'locked' } : { ok: false, reason: 'invalid' };
  }
  return { ok: true, user };
}

/** Failed password attempts since the window began or the last successful login, whichever is later. */
function recentFailures(db: Db, user: User, now: number): number {
  const since = Math.max(now - LOCKOUT_WINDOW_MS, user.lastLoginAt ?? 0);
  const a = schema.auditLog;
  return (
    db
      .select({ n: count() })
      .from(a)
      .where(and(eq(a.entityType, 'user'), eq(a.entityId, String(user.id)), eq(a.action, 'login_failed'), gt(a.at, since)))
      .get()?.n ?? 0
  );
}

export type PasswordChangeResult = { ok: true } | { ok: false; error: 'wrong_password' | 'too_short' | 'same_password' };

/** Change one's own password after checking the current one; clears the forced-change flag; audited. */
export async function changePassword(db: Db, userId: number, current: string, next: string, now: number, ip: string | null = null): Promise<PasswordChangeResult> {
  const user = getUser(db, userId);
  if (!user || !(await verifyPassword(current, user.passwordHash))) return { ok: false, error: 'wrong_password' };
  if (next.length < MIN_PASSWORD_LENGTH) return { ok: false, error: 'too_short' };
  if (next === current) return { ok: false, error: 'same_password' };
  const passwordHash = await hashPassword(next);
  tx(db, () => {
    db.update(schema.users).set({ passwordHash, mustChangePassword: false, updatedAt: now }).where(eq(schema.users.id, userId)).run();
    audit(db, { actorKind: 'user', actorId: userId, action: 'password_change', entityType: 'user', entityId: userId, ip }, now);
  });
  return { ok: true };
}

/** Give an account a new one-time password and end its sessions; returns the password (show it once); audited. */
export async function resetPassword(db: Db, userId: number, actor: AccountActor, now: number): Promise<string | undefined> {
  if (!getUser(db, userId)) return undefined;
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  tx(db, () => {
    db.update(schema.users).set({ passwordHash, mustChangePassword: true, updatedAt: now }).where(eq(schema.users.id, userId)).run();
    db.delete(schema.sessions).where(eq(schema.sessions.userId, userId)).run();
    audit(db, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'password_reset', entityType: 'user', entityId: userId, ip: actor.ip }, now);
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
export function updateUser(db: Db, userId: number, changes: UserChanges, actor: AccountActor, now: number): boolean {
  return tx(db, () => {
    const user = getUser(db, userId);
    if (!user) return false;
    const diff: Record<string, { old: unknown; new: unknown }> = {};
    for (const [k, v] of Object.entries(changes) as [keyof UserChanges, unknown][]) {
      if (v !== undefined && user[k] !== v) diff[k] = { old: user[k], new: v };
    }
    if (!Object.keys(diff).length) return true;
    db.update(schema.users).set({ ...changes, updatedAt: now }).where(eq(schema.users.id, userId)).run();
    if (changes.active === false) db.delete(schema.sessions).where(eq(schema.sessions.userId, userId)).run();
    const action = Object.keys(diff).length === 1 && diff.language ? 'language_change' : 'user_update';
    audit(db, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action, entityType: 'user', entityId: userId, details: diff, ip: actor.ip }, now);
    return true;
  });
}
