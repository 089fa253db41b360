import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { schema, tx, type Db } from '../../db/index.js';
import { audit } from '../audit.js';
import type { User } from './users.js';

/** A working day plus slack: tracers log in once per shift. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface Session {
  /** SHA-256 of the cookie token (the row id). */
  id: string;
  userId: number;
  csrfToken: string;
  expiresAt: number;
}

/** SHA-256 (hex) of a session token: only this is stored, so a database leak gives no usable cookie. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Start a session for a user who just proved their password: stores it, stamps last login, audits `login`; returns the cookie token. */
export function startSession(db: Db, user: User, now: number, ip: string | null = null, ttlMs = SESSION_TTL_MS): { token: string; session: Session } {
  const token = randomBytes(32).toString('base64url');
  const session: Session = { id: hashToken(token), userId: user.id, csrfToken: randomBytes(24).toString('base64url'), expiresAt: now + ttlMs };
  tx(db, () => {
    db.insert(schema.sessions).values({ ...session, createdAt: now }).run();
    db.update(schema.users).set({ lastLoginAt: now }).where(eq(schema.users.id, user.id)).run();
    // Housekeeping: expired rows are useless; removing a few on each login keeps the table small.
    db.delete(schema.sessions).where(lt(schema.sessions.expiresAt, now)).run();
    audit(db, { actorKind: 'user', actorId: user.id, action: 'login', entityType: 'user', entityId: user.id, ip }, now);
  });
  return { token, session };
}

/** The live session and its active user for a cookie token, or undefined (unknown, expired or deactivated). */
export function findSession(db: Db, token: string, now: number): { session: Session; user: User } | undefined {
  const row = db
    .select({ session: schema.sessions, user: schema.users })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(and(eq(schema.sessions.id, hashToken(token)), gt(schema.sessions.expiresAt, now), eq(schema.users.active, true)))
    .get();
  if (!row) return undefined;
  const { id, userId, csrfToken, expiresAt } = row.session;
  return { session: { id, userId, csrfToken, expiresAt }, user: row.user };
}

/** End a session (logout); audits `logout`. */
export function endSession(db: Db, session: Session, now: number, ip: string | null = null): void {
  tx(db, () => {
    db.delete(schema.sessions).where(eq(schema.sessions.id, session.id)).run();
    audit(db, { actorKind: 'user', actorId: session.userId, action: 'logout', entityType: 'user', entityId: session.userId, ip }, now);
  });
}
