import { areaCodeOf, withinAreas } from '../../domain/areas.js';
import type { PageView, Repositories } from '../../domain/repositories/index.js';
import { audit } from '../audit.js';
import type { User } from './users.js';

/**
 * Need-to-know access: who may open which conversation and case. Admins see everything. A coordinator sees the
 * conversations and cases of their areas (all of them without an area). A tracer sees the chats they hold or held, and
 * the escalated chats of their areas (any area without one); never other chats by number. A case whose area names no
 * known area (or none) is in everyone's scope: otherwise nobody with an area could take its escalations.
 */
export type AccessDecision = 'ok' | 'forbidden' | 'not_found';

type Actor = Pick<User, 'id' | 'role' | 'areas'>;

/** True when a case area (free text or a code) is within the user's areas; always true for a user without areas. */
export function inAreaScope(area: string | null, scope: readonly string[]): boolean {
  if (scope.length === 0) return true;
  const code = areaCodeOf(area);
  return code === null || withinAreas(code, scope);
}

/** The areas a user's queue and lists are limited to, or null for every area. */
export function areaScope(user: Actor): readonly string[] | null {
  return user.role === 'admin' || user.areas.length === 0 ? null : user.areas;
}

/** May `user` open this conversation? */
export function conversationAccess(repos: Pick<Repositories, 'access'>, user: Actor, conversationId: number): AccessDecision {
  const facts = repos.access.conversationFacts(conversationId, user.id);
  if (!facts) return 'not_found';
  if (user.role === 'admin') return 'ok';
  const inScope = inAreaScope(facts.area, user.areas);
  if (user.role === 'coordinator') return inScope ? 'ok' : 'forbidden';
  return facts.assignedToUser || (facts.escalated && inScope) ? 'ok' : 'forbidden';
}

/** May `user` (a coordinator or admin) open this case's page? */
export function caseAccess(repos: Pick<Repositories, 'access'>, user: Actor, caseId: number): AccessDecision {
  const area = repos.access.caseArea(caseId);
  if (area === undefined) return 'not_found';
  return user.role === 'admin' || inAreaScope(area, user.areas) ? 'ok' : 'forbidden';
}

/** Write "this user opened this page" to the audit log (who, what, when). */
export function recordView(repos: Pick<Repositories, 'audit' | 'transactions'>, user: Pick<User, 'id'>, entityType: 'case' | 'conversation', entityId: number, now: number, ip: string | null = null): void {
  repos.transactions.transaction(() => audit(repos, { actorKind: 'user', actorId: user.id, action: 'view', entityType, entityId, ip }, now));
}

/** Who looked at this case: openings of its page and of its conversations, newest first. */
export function caseViewers(repos: Pick<Repositories, 'access'>, caseId: number, limit = 100): PageView[] {
  return repos.access.caseViews(caseId, limit);
}
