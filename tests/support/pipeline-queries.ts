import type { Db } from '../../src/db/index.js';

/** One chat as the database recorded it. */
export interface ChatRecord {
  conversationIds: number[];
  /** Channel message ids of the patient's messages, in the order the turns recorded them. */
  inboundIds: string[];
  /** The bot's stored replies, in order. */
  outbound: { id: number; text: string; status: string }[];
  stepId: string | null;
  state: { answers: Record<string, unknown>; stepId: string | null; status: string } | null;
  owner: string | null;
}

/** Read back everything the pipeline stored for a fake-channel user. */
export function chatRecord(db: Db, user: string): ChatRecord {
  const c = db.$client;
  const convs = c.prepare(`SELECT id, step_id, state, owner FROM conversations WHERE channel = 'fake' AND channel_user_id = ? ORDER BY id`).all(user) as {
    id: number;
    step_id: string | null;
    state: string;
    owner: string;
  }[];
  const ids = convs.map((x) => x.id);
  const inList = `(${ids.map(() => '?').join(',') || 'NULL'})`;
  const inbound = c.prepare(`SELECT channel_message_id AS cid FROM messages WHERE direction = 'in' AND conversation_id IN ${inList} ORDER BY id`).all(...ids) as { cid: string }[];
  const outbound = c.prepare(`SELECT id, text, status FROM messages WHERE direction = 'out' AND conversation_id IN ${inList} ORDER BY id`).all(...ids) as ChatRecord['outbound'];
  const last = convs.at(-1);
  return {
    conversationIds: ids,
    inboundIds: inbound.map((r) => r.cid),
    outbound,
    stepId: last?.step_id ?? null,
    state: last ? (JSON.parse(last.state) as ChatRecord['state']) : null,
    owner: last?.owner ?? null,
  };
}

/** A single-number SQL query (`SELECT count(*) AS n ...`). */
export function count(db: Db, sql: string, ...params: unknown[]): number {
  return (db.$client.prepare(sql).get(...params) as { n: number }).n;
}
