import type { ChannelName } from '../../domain/channel.js';
import type { ConversationRecord, ConversationsRepository } from '../../domain/repositories/conversations.js';
import type { Db } from '../client.js';

const COLUMNS = `id, channel, channel_user_id AS channelUserId, case_id AS caseId, flow_id AS flowId, flow_version AS flowVersion,
  step_id AS stepId, state, owner, assignee_id AS assigneeId, closed_reason AS closedReason, opted_out AS optedOut,
  unreachable, lang, last_inbound_at AS lastInboundAt, last_outbound_at AS lastOutboundAt, revision, created_at AS createdAt,
  updated_at AS updatedAt`;

type Raw = Omit<ConversationRecord, 'optedOut' | 'unreachable'> & { optedOut: number; unreachable: number };

const toRecord = (r: Raw | undefined): ConversationRecord | undefined =>
  r && { ...r, optedOut: Boolean(r.optedOut), unreachable: Boolean(r.unreachable) };

/** Conversations over SQLite; statements prepared once (the turn is the hot path). */
export function createConversationsRepository(db: Db): ConversationsRepository {
  const c = db.$client;
  const byId = c.prepare(`SELECT ${COLUMNS} FROM conversations WHERE id = ?`);
  const open = c.prepare(`SELECT ${COLUMNS} FROM conversations WHERE channel = ? AND channel_user_id = ? AND owner <> 'closed'`);
  const latest = c.prepare(`SELECT ${COLUMNS} FROM conversations WHERE channel = ? AND channel_user_id = ? ORDER BY id DESC LIMIT 1`);
  const insert = c.prepare(
    `INSERT INTO conversations (channel, channel_user_id, case_id, flow_id, flow_version, step_id, state, lang, created_at, updated_at)
     VALUES (@channel, @channelUserId, @caseId, @flowId, @flowVersion, NULL, @state, @lang, @now, @now) RETURNING ${COLUMNS}`,
  );
  const progress = c.prepare(
    `UPDATE conversations SET state = @state, step_id = @stepId, lang = @lang, closed_reason = @closedReason, opted_out = @optedOut,
       last_inbound_at = COALESCE(@lastInboundAt, last_inbound_at), last_outbound_at = COALESCE(@lastOutboundAt, last_outbound_at),
       case_id = @caseId, revision = revision + 1, updated_at = @now
     WHERE id = @id`,
  );
  const setFlow = c.prepare(`UPDATE conversations SET flow_id = ?, flow_version = ?, updated_at = ? WHERE id = ?`);
  const unreachable = c.prepare(`UPDATE conversations SET unreachable = 1, revision = revision + 1, updated_at = ? WHERE id = ?`);
  // The only statement in the product that writes the owner column (tests/domain/ownership-writes.test.ts checks it).
  const ownership = c.prepare(
    `UPDATE conversations SET owner = @owner, assignee_id = @assigneeId,
       closed_reason = CASE WHEN @setReason THEN @closedReason ELSE closed_reason END, revision = revision + 1, updated_at = @now
     WHERE id = @id AND owner = @currentOwner AND assignee_id IS @currentAssignee`,
  );
  return {
    byId: (id) => toRecord(byId.get(id) as Raw | undefined),
    openForChat: (channel: ChannelName, user: string) => toRecord(open.get(channel, user) as Raw | undefined),
    latestForChat: (channel: ChannelName, user: string) => toRecord(latest.get(channel, user) as Raw | undefined),
    insert: (n) => toRecord(insert.get(n) as Raw)!,
    saveProgress: (id, p) => {
      progress.run({ ...p, id, optedOut: p.optedOut ? 1 : 0 });
    },
    setFlow: (id, flowId, flowVersion, now) => {
      setFlow.run(flowId, flowVersion, now, id);
    },
    markUnreachable: (id, now) => {
      unreachable.run(now, id);
    },
    writeOwnership: (id, current, next, now, extra = {}) =>
      ownership.run({
        id,
        owner: next.owner,
        assigneeId: next.assigneeId,
        setReason: 'closedReason' in extra ? 1 : 0,
        closedReason: extra.closedReason ?? null,
        now,
        currentOwner: current.owner,
        currentAssignee: current.assigneeId,
      }).changes === 1,
  };
}
