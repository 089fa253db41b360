import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { schema, type Db } from '../db/index.js';

export type TokenRole = 'tracer' | 'coordinator' | 'admin';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Create an API token; returns the token once (only its hash is stored). */
export function createApiToken(db: Db, name: string, role: TokenRole, now: number): { id: number; token: string } {
  const token = `tb_${randomBytes(24).toString('base64url')}`;
  const row = db.insert(schema.apiTokens).values({ name, role, tokenHash: hash(token), createdAt: now }).returning({ id: schema.apiTokens.id }).get();
  return { id: row.id, token };
}

/** The token's identity if it is valid and not revoked. */
export function verifyApiToken(db: Db, token: string, now: number): { id: number; name: string; role: TokenRole } | undefined {
  const row = db
    .select({ id: schema.apiTokens.id, name: schema.apiTokens.name, role: schema.apiTokens.role })
    .from(schema.apiTokens)
    .where(and(eq(schema.apiTokens.tokenHash, hash(token)), isNull(schema.apiTokens.revokedAt)))
    .get();
  if (row) db.update(schema.apiTokens).set({ lastUsedAt: now }).where(eq(schema.apiTokens.id, row.id)).run();
  return row;
}

/** Revoke a token by id. */
export function revokeApiToken(db: Db, id: number, now: number): boolean {
  return db.update(schema.apiTokens).set({ revokedAt: now }).where(eq(schema.apiTokens.id, id)).run().changes > 0;
}
