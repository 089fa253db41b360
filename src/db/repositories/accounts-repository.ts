import { and, asc, eq, gt, isNull, lt } from 'drizzle-orm';
import type { ApiTokenRepository, SessionRepository, UserRepository } from '../../domain/repositories/accounts.js';
import { schema, type Db } from '../client.js';

/** Accounts over SQLite. */
export function createUserRepository(db: Db): UserRepository {
  const u = schema.users;
  return {
    findByEmail: (email) => db.select().from(u).where(eq(u.email, email)).get(),
    get: (id) => db.select().from(u).where(eq(u.id, id)).get(),
    list: () => db.select().from(u).orderBy(asc(u.email)).all(),
    listActive: () => db.select({ id: u.id, name: u.name, email: u.email, role: u.role }).from(u).where(eq(u.active, true)).orderBy(asc(u.name)).all(),
    getActive: (id) => db.select().from(u).where(and(eq(u.id, id), eq(u.active, true))).get(),
    insert: (row) => db.insert(u).values(row).returning().get(),
    update: (id, changes) => void db.update(u).set(changes).where(eq(u.id, id)).run(),
    stampLogin: (id, at) => void db.update(u).set({ lastLoginAt: at }).where(eq(u.id, id)).run(),
  };
}

/** Browser sessions over SQLite. */
export function createSessionRepository(db: Db): SessionRepository {
  const s = schema.sessions;
  return {
    insert: (session, createdAt) => void db.insert(s).values({ ...session, createdAt }).run(),
    findLive(id, now) {
      const row = db
        .select({ session: s, user: schema.users })
        .from(s)
        .innerJoin(schema.users, eq(schema.users.id, s.userId))
        .where(and(eq(s.id, id), gt(s.expiresAt, now), eq(schema.users.active, true)))
        .get();
      if (!row) return undefined;
      const { id: sid, userId, csrfToken, expiresAt } = row.session;
      return { session: { id: sid, userId, csrfToken, expiresAt }, user: row.user };
    },
    delete: (id) => void db.delete(s).where(eq(s.id, id)).run(),
    deleteExpired: (now) => void db.delete(s).where(lt(s.expiresAt, now)).run(),
    deleteForUser: (userId) => void db.delete(s).where(eq(s.userId, userId)).run(),
  };
}

/** API tokens over SQLite. */
export function createApiTokenRepository(db: Db): ApiTokenRepository {
  const t = schema.apiTokens;
  return {
    insert: (token) => db.insert(t).values(token).returning({ id: t.id }).get().id,
    findActiveByHash: (tokenHash) =>
      db
        .select({ id: t.id, name: t.name, role: t.role })
        .from(t)
        .where(and(eq(t.tokenHash, tokenHash), isNull(t.revokedAt)))
        .get(),
    touch: (id, at) => void db.update(t).set({ lastUsedAt: at }).where(eq(t.id, id)).run(),
    revoke: (id, at) => db.update(t).set({ revokedAt: at }).where(eq(t.id, id)).run().changes > 0,
  };
}
