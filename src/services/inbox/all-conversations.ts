import { z } from 'zod';
import type { DirectoryQuery, DirectoryRow, Repositories } from '../../domain/repositories/index.js';
import type { FlowDefinition } from '../../flow/definition.js';
import { audit } from '../audit.js';
import { caseAccess, conversationAccess } from '../accounts/index.js';
import type { User } from '../accounts/users.js';
import { StructuredRecords } from '../structured-records.js';

type AccessActor = Pick<User, 'id' | 'role' | 'areas'>;
import type { InboxActor } from './types.js';

export type { DirectoryQuery, DirectoryRow, DirectoryStatus } from '../../domain/repositories/index.js';

/**
 * Every conversation `viewer` may open, finished ones included, most recently active first: the need-to-know rule of
 * services/accounts/access.ts decides each row (a tracer sees the chats they hold or held and the escalated chats of
 * their areas; a coordinator their areas; an admin everything).
 */
export function listAllConversations(repos: Pick<Repositories, 'conversationDirectory' | 'access'>, q: DirectoryQuery, viewer: AccessActor): DirectoryRow[] {
  const rows = repos.conversationDirectory.search(q);
  return viewer.role === 'admin' ? rows : rows.filter((r) => conversationAccess(repos, viewer, r.conversationId) === 'ok');
}

/** What linking a chat to a case needs: the chat, the case, the registry its contacts go to, and the audit log. */
export type LinkStores = Pick<Repositories, 'transactions' | 'conversations' | 'conversationDirectory' | 'cases' | 'contacts' | 'audit' | 'access'>;

export type LinkResult = { ok: true; caseId: number; contacts: number } | { ok: false; error: 'not_found' | 'case_not_found' | 'already_linked' };

const EngineLists = z.object({ lists: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).default({}) }).passthrough();

/**
 * Attach a chat that has no case (an unverified or anonymous patient) to a case, by case number or id: its answers join
 * the case and the contacts and places it collected enter the registry as the case's, as they would have if the case had
 * been known. Audited; refused when the chat already has a case.
 */
export function linkChatToCase(
  repos: LinkStores,
  flowOf: (flowId: string, version: number) => FlowDefinition | undefined,
  conversationId: number,
  caseRef: string,
  actor: InboxActor & AccessActor,
  now: number,
): LinkResult {
  return repos.transactions.transaction(() => {
    const conv = repos.conversations.byId(conversationId);
    if (!conv) return { ok: false, error: 'not_found' } as const;
    if (conv.caseId !== null) return { ok: false, error: 'already_linked' } as const;
    const caseId = repos.cases.findIdByRef(caseRef.trim());
    // A case outside the actor's areas is answered like an unknown one: its number tells nothing.
    if (caseId === undefined || caseAccess(repos, actor, caseId) !== 'ok') return { ok: false, error: 'case_not_found' } as const;
    if (!repos.conversationDirectory.linkCase(conversationId, caseId, now)) return { ok: false, error: 'already_linked' } as const;
    const state = EngineLists.safeParse(safeJson(conv.state));
    const lists = state.success ? state.data.lists : {};
    const records = new StructuredRecords(repos);
    let contacts = 0;
    for (const step of flowOf(conv.flowId, conv.flowVersion)?.steps ?? []) {
      if (step.type !== 'collect' || step.kind === 'other') continue;
      const key = step.save_as ?? step.id;
      (lists[key] ?? []).forEach((item, index) => {
        const event = step.kind === 'contact' ? 'contact.elicited' : 'place.visited';
        const r = records.apply(event, { conversationId, caseId, step: step.id, key, index, item }, now);
        if (r.exposureCreated) contacts += 1;
      });
    }
    audit(repos, { actorKind: 'user', actorId: actor.id, action: 'conversation.link_case', entityType: 'conversation', entityId: conversationId, details: { caseId, contacts }, ip: actor.ip ?? null }, now);
    return { ok: true, caseId, contacts } as const;
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
