import { z } from 'zod';
import type { CaseRecord, ConversationRecord, EscalationRecord, ExposureView, QueueFilter, QueueItem, Repositories, TranscriptMessage } from '../../domain/repositories/index.js';
import { areaScope } from '../accounts/index.js';
import { heldBy, type InboxStores } from './stores.js';

export type { ExposureView, QueueFilter, QueueItem, QueueStatus, QueueView, TranscriptMessage } from '../../domain/repositories/index.js';

/**
 * The queue: escalations by view and status; urgent/high first, then longest waiting (resolved: most recent first).
 * Limited to what the user may open (accounts/access.ts): their areas' chats, and for a tracer only the resolved chats
 * they held.
 */
export function listQueue(repos: Pick<Repositories, 'inbox' | 'users'>, f: QueueFilter): QueueItem[] {
  const user = repos.users.get(f.userId);
  const areas = user ? areaScope(user) : null;
  const view = user?.role === 'tracer' && f.status === 'resolved' ? 'mine' : f.view;
  return repos.inbox.queue({ ...f, view, areas });
}

/** Tab counters: chats waiting for anyone (in the user's areas), and chats the user holds. */
export function queueCounts(repos: Pick<Repositories, 'inbox' | 'users'>, userId: number): { unassigned: number; mine: number } {
  const user = repos.users.get(userId);
  return repos.inbox.queueCounts(userId, user ? areaScope(user) : null);
}

/** The newest `limit` messages of a conversation, oldest first (the transcript as shown). */
export function listMessages(repos: Pick<Repositories, 'inbox'>, conversationId: number, limit = 500): TranscriptMessage[] {
  return repos.inbox.newestMessages(conversationId, limit).reverse();
}

export interface ConversationView {
  conversation: ConversationRecord;
  case: CaseRecord | null;
  escalation: EscalationRecord | null;
  /** The last escalation, resolved or not (for the header when nothing is active). */
  lastEscalation: EscalationRecord | null;
  assigneeName: string | null;
  answers: { key: string; value: unknown; stepId: string | null; updatedByName: string | null; updatedAt: number }[];
  exposures: ExposureView[];
}

/** Everything the conversation page shows except the transcript, or undefined for an unknown id. */
export function getConversationView(s: InboxStores, conversationId: number): ConversationView | undefined {
  const conv = s.conversations.byId(conversationId);
  if (!conv) return undefined;
  const { inbox } = s;
  const kase = conv.caseId === null ? null : (s.cases.byId(conv.caseId) ?? null);
  const escalation = s.escalations.active(conv.id) ?? null;
  const lastEscalation = escalation ?? inbox.lastEscalation(conv.id) ?? null;
  const assigneeName = conv.assigneeId === null ? null : (s.users.get(conv.assigneeId)?.name ?? null);
  const answers = inbox.answersOf(conv.id).map((r) => ({ ...r, value: parseJson(r.value) }));
  const exposures = inbox.exposuresOf(conv.id, conv.caseId);
  return { conversation: conv, case: kase, escalation, lastEscalation, assigneeName, answers, exposures };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A step a tracer may hand a chat back to. */
export interface FlowStepOption {
  id: string;
  type: string;
  /** The question in each language, when known. */
  text?: { id?: string; en?: string };
}

const StoredDefinition = z.object({
  steps: z.array(z.object({ id: z.string(), type: z.string(), text: z.object({ id: z.string().optional(), en: z.string().optional() }).partial().optional(), intro: z.object({ id: z.string().optional(), en: z.string().optional() }).partial().optional() }).passthrough()),
});

/** The ask/collect steps of a stored flow version (flow_versions), in file order; empty when the version is not stored. */
export function flowStepsFromDb(repos: Pick<Repositories, 'flowVersions'>, flowId: string, version: number): FlowStepOption[] {
  const definition = repos.flowVersions.definition(flowId, version);
  if (definition === undefined) return [];
  const parsed = StoredDefinition.safeParse(parseJson(definition));
  if (!parsed.success) return [];
  return parsed.data.steps
    .filter((s) => s.type === 'ask' || s.type === 'collect')
    .map((s) => ({ id: s.id, type: s.type, text: s.text ?? s.intro }));
}
