import type { ApiTokenListItem, Repositories } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import type { AccountActor } from './users.js';

export type { ApiTokenListItem } from '../../domain/repositories/index.js';

/** Every API token (name, role, created, last used, revoked), newest first; never the token or its hash. */
export function listApiTokens(repos: Pick<Repositories, 'apiTokens'>): ApiTokenListItem[] {
  return repos.apiTokens.list();
}

/** Revoke every live token with this name (the name is what people know a token by); audited; returns how many. */
export function revokeApiTokensByName(repos: Pick<Repositories, 'apiTokens' | 'audit' | 'transactions'>, name: string, actor: AccountActor, now: number): number {
  return repos.transactions.transaction(() => {
    const n = repos.apiTokens.revokeByName(name, now);
    if (n > 0) audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'token_revoke', entityType: 'api_token', entityId: null, details: { name, count: n }, ip: actor.ip }, now);
    return n;
  });
}

/** Revoke one token by id (the admin page's button); audited; false when unknown or already revoked. */
export function revokeApiTokenById(repos: Pick<Repositories, 'apiTokens' | 'audit' | 'transactions'>, id: number, actor: AccountActor, now: number): boolean {
  return repos.transactions.transaction(() => {
    const token = repos.apiTokens.list().find((t) => t.id === id && t.revokedAt === null);
    if (!token) return false;
    repos.apiTokens.revoke(id, now);
    audit(repos, { actorKind: actor.id === null ? 'system' : 'user', actorId: actor.id, action: 'token_revoke', entityType: 'api_token', entityId: id, details: { name: token.name, count: 1 }, ip: actor.ip }, now);
    return true;
  });
}
