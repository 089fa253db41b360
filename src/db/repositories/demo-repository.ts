import type { DemoRepository } from '../../domain/repositories/demo.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

/** The demo seeder's reads and settlement over SQLite. */
export function createDemoRepository(db: Db): DemoRepository {
  const sql = statementCache(db);
  const n = (text: string) => (sql(text).get() as { n: number }).n;
  return {
    conversationState: (id) => sql(`SELECT state, owner FROM conversations WHERE id = ?`).get(id) as { state: string; owner: string } | undefined,
    undispatchedOutbox: () =>
      sql(`SELECT id, kind, payload, created_at AS at FROM outbox WHERE dispatched_at IS NULL ORDER BY id`).all() as ReturnType<DemoRepository['undispatchedOutbox']>,
    markDispatched: (id, at) => void sql(`UPDATE outbox SET dispatched_at = ? WHERE id = ?`).run(at, id),
    markQueuedSent: () => void sql(`UPDATE messages SET status = 'sent', sent_at = created_at WHERE direction = 'out' AND status = 'queued'`).run(),
    counts: () => ({
      cases: n(`SELECT count(*) AS n FROM cases`),
      conversations: n(`SELECT count(*) AS n FROM conversations`),
      completed: n(`SELECT count(*) AS n FROM cases WHERE status = 'completed'`),
      inProgress: n(`SELECT count(*) AS n FROM cases WHERE status = 'interviewing'`),
      notReached: n(`SELECT count(*) AS n FROM cases WHERE first_reached_at IS NULL AND status NOT IN ('unreachable')`),
      unreachable: n(`SELECT count(*) AS n FROM cases WHERE status = 'unreachable'`),
      optedOut: n(`SELECT count(*) AS n FROM cases WHERE status = 'opted_out'`),
      escalations: {
        open: n(`SELECT count(*) AS n FROM escalations WHERE status = 'open'`),
        pending: n(`SELECT count(*) AS n FROM escalations WHERE status = 'pending'`),
        resolved: n(`SELECT count(*) AS n FROM escalations WHERE status = 'resolved'`),
      },
      contacts: n(`SELECT count(*) AS n FROM contacts`),
      exposures: n(`SELECT count(*) AS n FROM exposures`),
      chains: n(`SELECT count(*) AS n FROM cases WHERE source_contact_id IS NOT NULL`),
    }),
  };
}
