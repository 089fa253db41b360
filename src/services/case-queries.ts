import type { CaseContactItem, CaseConversationItem, CaseSummary, CaseTranscriptItem, ConsentRecord, Repositories } from '../domain/repositories/index.js';

/** A case id from a numeric id or an external case id. */
export function findCaseId(repos: Pick<Repositories, 'cases'>, ref: string): number | undefined {
  return repos.cases.findIdByRef(ref);
}

/** A case with status, answers, contacts (exposures) and the transcript of its conversations. */
export interface CaseDetail extends CaseSummary {
  conversations: CaseConversationItem[];
  answers: Record<string, unknown>;
  contacts: CaseContactItem[];
  transcript: CaseTranscriptItem[];
  /** Every consent answer: flow version, the exact text shown, the answer and when (issue 17). */
  consent: ConsentRecord[];
}

/** A case with status, answers, contacts (exposures) and the transcript of its conversations, or undefined. */
export function caseDetail(repos: Pick<Repositories, 'cases' | 'consent'>, id: number): CaseDetail | undefined {
  const c = repos.cases.summary(id);
  if (!c) return undefined;
  const conversations = repos.cases.conversationsOf(id);
  const answers = Object.fromEntries(repos.cases.answersOf(id).map((a) => [a.key, JSON.parse(a.value) as unknown]));
  const contacts = repos.cases.contactsOf(id);
  const transcript = repos.cases.transcriptOf(conversations.map((x) => x.id));
  return { ...c, conversations, answers, contacts, transcript, consent: repos.consent.forCase(id) };
}

/** Contacts with each exposure (one row per exposure), and the end of quarantine (last contact + 14 days). */
export function listContacts(repos: Pick<Repositories, 'contactRegistry'>, limit: number, quarantineDays = 14) {
  return repos.contactRegistry.listExposures(limit, quarantineDays);
}

/** Escalations, urgent/high first then oldest waiting. */
export function listEscalations(repos: Pick<Repositories, 'reports'>, status: 'open' | 'pending' | 'resolved' | undefined, limit: number) {
  return repos.reports.listEscalations(status, limit);
}
