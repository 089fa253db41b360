import type { Job, JobType, Queue } from 'bullmq';
import type { SubjectJob, SubjectJobRefs, SubjectJobStore } from '../services/privacy/index.js';

const STATES: JobType[] = ['waiting', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed', 'active'];
const PAGE = 500;

/** True when a job's data names one of the person's records, chats or (in older payloads) their phone or name. */
function refersTo(job: Job, refs: SubjectJobRefs): boolean {
  const d = (job.data ?? {}) as Record<string, unknown>;
  const num = (v: unknown, list: number[]) => typeof v === 'number' && list.includes(v);
  if (num(d.conversationId, refs.conversationIds) || num(d.caseId, refs.caseIds) || num(d.outboxId, refs.outboxIds)) return true;
  if (typeof d.key === 'string' && refs.chatKeys.includes(d.key)) return true;
  if (!refs.strings.length) return false;
  const text = JSON.stringify(d);
  return refs.strings.some((s) => text.includes(s));
}

/**
 * A person's jobs across the queues (every state BullMQ keeps), for erasure: the queues are read page by page and jobs
 * whose data refer to the person are listed or removed. A job running right now cannot be removed; it is counted as busy.
 * `forgetChat` drops what a channel keeps in Redis for a chat (`channel:chatId`), e.g. the Cloud API's held replies.
 */
export function createSubjectJobStore(queues: () => Queue[], o: { forgetChat?: (chatKey: string) => Promise<unknown> } = {}): SubjectJobStore {
  async function matching(refs: SubjectJobRefs): Promise<{ queue: Queue; job: Job; state: string }[]> {
    const found: { queue: Queue; job: Job; state: string }[] = [];
    for (const queue of queues()) {
      for (const state of STATES) {
        for (let start = 0; ; start += PAGE) {
          const jobs = await queue.getJobs([state], start, start + PAGE - 1);
          for (const job of jobs) if (job && refersTo(job, refs)) found.push({ queue, job, state });
          if (jobs.length < PAGE) break;
        }
      }
    }
    return found;
  }
  return {
    async find(refs): Promise<SubjectJob[]> {
      return (await matching(refs)).map(({ queue, job, state }) => ({ queue: queue.name, id: String(job.id), name: job.name, state }));
    },
    async remove(refs) {
      let removed = 0;
      let busy = 0;
      for (const { job, state } of await matching(refs)) {
        if (state === 'active') {
          busy++;
          continue;
        }
        try {
          await job.remove();
          removed++;
        } catch {
          // Taken by a worker between the read and the removal.
          busy++;
        }
      }
      if (o.forgetChat) for (const key of refs.chatKeys) await o.forgetChat(key);
      return { removed, busy };
    },
  };
}
