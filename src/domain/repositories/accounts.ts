/** Accounts, browser sessions and API tokens (interfaces only; the SQLite implementation is in src/db/repositories). */

export type UserRole = 'tracer' | 'coordinator' | 'admin';

/** One account: the whole `users` row. */
export interface UserRecord {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  /** scrypt: `scrypt$N$r$p$salt$hash` (base64). */
  passwordHash: string;
  mustChangePassword: boolean;
  active: boolean;
  language: 'id' | 'en';
  /** Auto-assignment cap: open chats at once. */
  maxChats: number;
  lastLoginAt: number | null;
  /** Area codes (src/domain/areas.ts) this user works in; empty: no area. */
  areas: string[];
  /** Base32 TOTP secret when two-factor login is on, else null. */
  totpSecret: string | null;
  /** The last TOTP time step (30-s counter) used to sign in; a code is never accepted twice. */
  totpLastStep: number | null;
  /** SHA-256 hashes of the unused recovery codes. */
  recoveryCodes: string[];
  createdAt: number;
  updatedAt: number;
}

export type NewUser = Omit<UserRecord, 'id' | 'active' | 'lastLoginAt' | 'areas' | 'totpSecret' | 'totpLastStep' | 'recoveryCodes'> & { areas?: string[] };

/** Fields an update may change. */
export type UserUpdate = Partial<Pick<UserRecord, 'role' | 'active' | 'maxChats' | 'language' | 'name' | 'passwordHash' | 'mustChangePassword' | 'areas' | 'totpSecret' | 'totpLastStep' | 'recoveryCodes'>> & {
  updatedAt: number;
};

export interface UserRepository {
  /** The user with this (already normalised) email. */
  findByEmail(email: string): UserRecord | undefined;
  get(id: number): UserRecord | undefined;
  /** Every account, by email. */
  list(): UserRecord[];
  /** Active users, by name. */
  listActive(): Pick<UserRecord, 'id' | 'name' | 'email' | 'role'>[];
  /** The active user with this id. */
  getActive(id: number): UserRecord | undefined;
  /** Insert; throws on a duplicate email (UNIQUE). */
  insert(u: NewUser): UserRecord;
  update(id: number, changes: UserUpdate): void;
  stampLogin(id: number, at: number): void;
}

/** One browser session; `id` is the SHA-256 of the cookie token. */
export interface SessionRecord {
  id: string;
  userId: number;
  csrfToken: string;
  expiresAt: number;
}

export interface SessionRepository {
  insert(s: SessionRecord, createdAt: number): void;
  /** The unexpired session with this id whose user is active, with that user. */
  findLive(id: string, now: number): { session: SessionRecord; user: UserRecord } | undefined;
  delete(id: string): void;
  deleteExpired(now: number): void;
  deleteForUser(userId: number): void;
  /** End every session of the user but `keepId` (a password change keeps the session that made it). */
  deleteForUserExcept(userId: number, keepId: string): void;
}

export interface ApiTokenRecord {
  id: number;
  name: string;
  role: UserRole;
}

/** A token as the admin page and `tokens list` show it (never its hash). */
export interface ApiTokenListItem extends ApiTokenRecord {
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface ApiTokenRepository {
  /** Insert a token (by its hash); returns its id. */
  insert(t: { name: string; role: UserRole; tokenHash: string; createdAt: number }): number;
  /** The token with this hash unless revoked. */
  findActiveByHash(tokenHash: string): ApiTokenRecord | undefined;
  touch(id: number, at: number): void;
  /** Revoke; false when unknown. */
  revoke(id: number, at: number): boolean;
  /** Every token, newest first. */
  list(): ApiTokenListItem[];
  /** Revoke every unrevoked token with this name; returns how many. */
  revokeByName(name: string, at: number): number;
}

/** Failed sign-in attempts by throttle key (`account:<hash>` or `ip:<address>`). */
export interface LoginFailureRepository {
  /** Record one failure under each key. */
  record(keys: string[], at: number): void;
  /** Failures under `key` since `since`, and the time of the last one. */
  stats(key: string, since: number): { count: number; lastAt: number | null };
  /** Forget a key's failures (a successful sign-in, a password reset). */
  clear(key: string): void;
  /** Delete failures older than `before`. */
  prune(before: number): void;
}
