import { createHash, randomBytes } from 'node:crypto';
import type { Repositories } from '../domain/repositories/index.js';

export type TokenRole = 'tracer' | 'coordinator' | 'admin';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Create an API token; returns the token once (only its hash is stored). */
export function createApiToken(repos: Pick<Repositories, 'apiTokens'>, name: string, role: TokenRole, now: number): { id: number; token: string } {
  const token = `tb_${randomBytes(24).toString('base64url')}`;
  const id = repos.apiTokens.insert({ name, role, tokenHash: hash(token), createdAt: now });
  return { id, token };
}

/** The token's identity if it is valid and not revoked (and stamps its last use). */
export function verifyApiToken(repos: Pick<Repositories, 'apiTokens'>, token: string, now: number): { id: number; name: string; role: TokenRole } | undefined {
  const row = repos.apiTokens.findActiveByHash(hash(token));
  if (row) repos.apiTokens.touch(row.id, now);
  return row;
}

/** Revoke a token by id. */
export function revokeApiToken(repos: Pick<Repositories, 'apiTokens'>, id: number, now: number): boolean {
  return repos.apiTokens.revoke(id, now);
}
