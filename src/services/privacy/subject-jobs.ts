/**
 * What identifies a person's work in the queues: the ids job payloads carry (conversations, cases, outbox rows), the chat
 * keys of drains, and, for payloads written before jobs carried ids only, the strings (phones, names) to look for.
 */
export interface SubjectJobRefs {
  conversationIds: number[];
  caseIds: number[];
  outboxIds: number[];
  chatKeys: string[];
  strings: string[];
}

/** One queued job that refers to a person. */
export interface SubjectJob {
  queue: string;
  id: string;
  name: string;
  state: string;
}

/** The queues seen from a person's request (implemented over BullMQ in src/queue/subject-jobs.ts). */
export interface SubjectJobStore {
  /** Jobs in any state whose data refer to these. */
  find(refs: SubjectJobRefs): Promise<SubjectJob[]>;
  /** Remove those jobs; `busy` counts jobs running right now (they cannot be removed and finish on their own). */
  remove(refs: SubjectJobRefs): Promise<{ removed: number; busy: number }>;
}
