import type { Queue } from 'bullmq';
import type { Db } from '../../src/db/index.js';
import { chatKey } from '../../src/queue/jobs.js';
import type { System } from '../../src/system.js';
import { eventually } from './system.js';

// "The bot did not reply" is proved from committed state, never by waiting a while (a late wrong reply passes that):
// wait until the pipeline has finished with a chat, then check that no reply was stored after the patient's message.

const PENDING = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Jobs of `queue` not yet finished (waiting, active, delayed, ...) whose data matches `mine`. */
async function pendingJobs(queue: Queue, mine: (job: { name: string; data: Record<string, unknown> }) => boolean): Promise<number> {
  const jobs = await queue.getJobs([...PENDING]);
  return jobs.filter((j) => j && mine(j as { name: string; data: Record<string, unknown> })).length;
}

/** The stored row of the last message a patient sent in a chat (undefined until a turn recorded one). */
export function lastInbound(db: Db, user: string, channel = 'fake'): { id: number; conversationId: number } | undefined {
  return db.$client
    .prepare(
      `SELECT m.id, m.conversation_id AS conversationId FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE c.channel = ? AND c.channel_user_id = ? AND m.direction = 'in' ORDER BY m.id DESC LIMIT 1`,
    )
    .get(channel, user) as { id: number; conversationId: number } | undefined;
}

/**
 * Wait until the pipeline is idle for one chat, judged only by committed and queued state: its mailbox is empty (every
 * item's turn committed and its outbox was dispatched: a drain removes items only after that), no outbox row of the chat is
 * left undispatched, no send job of the chat is waiting in its outbound queue, and no timer of the listed kinds is pending
 * for it. Timers are checked before and after the rest, because handling a timer can arm the next one.
 */
export async function chatIdle(sys: System, user: string, o: { channel?: string; timers?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
  const channel = o.channel ?? 'fake';
  const timers = o.timers ?? [];
  const conversationIds = () =>
    (sys.db.$client.prepare(`SELECT id FROM conversations WHERE channel = ? AND channel_user_id = ?`).all(channel, user) as { id: number }[]).map((r) => r.id);
  const timersPending = async (ids: number[]) =>
    timers.length ? pendingJobs(sys.pipeline.timers, (j) => timers.includes(j.name) && ids.includes(Number(j.data.conversationId))) : 0;
  await eventually(
    async () => {
      const ids = conversationIds();
      // No conversation yet (or a wrong chat id): not idle, so a typo cannot make an absence check pass.
      if (!ids.length) return undefined;
      if (await timersPending(ids)) return undefined;
      if ((await sys.pipeline.mailboxes.length(chatKey(channel, user))) > 0) return undefined;
      const undispatched = (
        sys.db.$client
          .prepare(`SELECT count(*) AS n FROM outbox WHERE dispatched_at IS NULL AND conversation_id IN (SELECT value FROM json_each(?))`)
          .get(JSON.stringify(ids)) as { n: number }
      ).n;
      if (undispatched) return undefined;
      if (await pendingJobs(sys.pipeline.outbound(channel as Parameters<System['pipeline']['outbound']>[0]), (j) => ids.includes(Number(j.data.conversationId)))) return undefined;
      if (await timersPending(conversationIds())) return undefined;
      return true;
    },
    `the pipeline to finish with ${channel}:${user}`,
    o.timeoutMs ?? 15_000,
  );
}

/** What the bot stored for a conversation after message row `afterId`: outbound message rows, and outbox rows sending them. */
export function repliesAfter(db: Db, conversationId: number, afterId: number): { messages: number; sends: number } {
  const c = db.$client;
  const messages = (c.prepare(`SELECT count(*) AS n FROM messages WHERE conversation_id = ? AND direction = 'out' AND id > ?`).get(conversationId, afterId) as { n: number }).n;
  // The send rows' payloads are read here rather than with the database's JSON functions, which differ between engines.
  const payloads = c.prepare(`SELECT payload FROM outbox WHERE kind = 'send' AND conversation_id = ?`).all(conversationId) as { payload: string }[];
  const sends = payloads.filter((r) => (JSON.parse(r.payload) as { messageIds?: number[] }).messageIds?.some((id) => id > afterId)).length;
  return { messages, sends };
}

/**
 * Wait until the pipeline is idle for the chat, then return what the bot stored after the patient's last message (the
 * caller expects `{ messages: 0, sends: 0 }` for "the bot stayed silent").
 */
export async function repliesAfterLastInbound(sys: System, user: string, o: Parameters<typeof chatIdle>[2] = {}): Promise<{ messages: number; sends: number }> {
  await chatIdle(sys, user, o);
  const last = lastInbound(sys.db, user, o.channel);
  if (!last) throw new Error(`no patient message stored for ${user}`);
  return repliesAfter(sys.db, last.conversationId, last.id);
}
