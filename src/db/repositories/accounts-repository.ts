import { and, asc, desc, eq, gt, gte, isNull, lt, ne } from 'drizzle-orm';
import type { ApiTokenRepository, LoginFailureRepository, SessionRepository, UserRecord, UserRepository, UserUpdate } from '../../domain/repositories/accounts.js';
import { schema, type Db } from '../client.js';
import { loginFailures } from '../schema-accounts.js';

type UserRow = typeof schema.users.$inferSelect;

const jsonList = (text: string | null): string[] => {
  if (!text) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
};

/** A `users` row as the domain's record (JSON columns parsed). */
export function toUserRecord(row: UserRow): UserRecord {
  return { ...row, areas: jsonList(row.areas), recoveryCodes: jsonList(row.recoveryCodes) };
}

function toColumns(changes: UserUpdate) {
  const { areas, recoveryCodes, ...rest } = changes;
  return { ...rest, ...(areas === undefined ? {} : { areas: JSON.stringify(areas) }), ...(recoveryCodes === undefined ? {} : { recoveryCodes: JSON.stringify(recoveryCodes) }) };
}

const maybe = (row: UserRow | undefined) => (row ? toUserRecord(row) : undefined);

/** Accounts over SQLite. */
export function createUserRepository(db: Db): UserRepository {
  const u = schema.users;
  return {
    findByEmail: (email) => maybe(db.select().from(u).where(eq(u.email, email)).get()),
    get: (id) => maybe(db.select().from(u).where(eq(u.id, id)).get()),
    list: () => db.select().from(u).orderBy(asc(u.email)).all().map(toUserRecord),
    listActive: () => db.select({ id: u.id, name: u.name, email: u.email, role: u.role }).from(u).where(eq(u.active, true)).orderBy(asc(u.name)).all(),
    getActive: (id) => maybe(db.select().from(u).where(and(eq(u.id, id), eq(u.active, true))).get()),
    insert: ({ areas, ...row }) => toUserRecord(db.insert(u).values({ ...row, areas: JSON.stringify(areas ?? []) }).returning().get()),
    update: (id, changes) => void db.update(u).set(toColumns(changes)).where(eq(u.id, id)).run(),
    stampLogin: (id, at) => void db.update(u).set({ lastLoginAt: at }).where(eq(u.id, id)).run(),
  };
}

/** Failed sign-in attempts over SQLite. */
export function createLoginFailureRepository(db: Db): LoginFailureRepository {
  const f = loginFailures;
  return {
    record: (keys, at) => {
      if (keys.length) db.insert(f).values(keys.map((key) => ({ key, at }))).run();
    },
    stats(key, since) {
      const rows = db.select({ at: f.at }).from(f).where(and(eq(f.key, key), gte(f.at, since))).orderBy(desc(f.at)).all();
      return { count: rows.length, lastAt: rows[0]?.at ?? null };
    },
    clear: (key) => void db.delete(f).where(eq(f.key, key)).run(),
    prune: (before) => void db.delete(f).where(lt(f.at, before)).run(),
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
      return { session: { id: sid, userId, csrfToken, expiresAt }, user: toUserRecord(row.user) };
    },
    delete: (id) => void db.delete(s).where(eq(s.id, id)).run(),
    deleteExpired: (now) => void db.delete(s).where(lt(s.expiresAt, now)).run(),
    deleteForUser: (userId) => void db.delete(s).where(eq(s.userId, userId)).run(),
    deleteForUserExcept: (userId, keepId) => void db.delete(s).where(and(eq(s.userId, userId), ne(s.id, keepId))).run(),
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
    list: () =>
      db
        .select({ id: t.id, name: t.name, role: t.role, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt })
        .from(t)
        .orderBy(desc(t.createdAt), desc(t.id))
        .all(),
    revokeByName: (name, at) => db.update(t).set({ revokedAt: at }).where(and(eq(t.name, name), isNull(t.revokedAt))).run().changes,
  };
}
