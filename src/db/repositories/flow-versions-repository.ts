import type { FlowSummary, FlowVersionInfo, FlowVersionRepository, StoredDraft } from '../../domain/repositories/flows.js';
import type { Db } from '../client.js';
import { statementCache } from './statements.js';

/** Flow versions over SQLite. */
export function createFlowVersionRepository(db: Db): FlowVersionRepository {
  const sql = statementCache(db);
  const column = (col: 'source' | 'definition' | 'sha256') => (flowId: string, version: number) =>
    (sql(`SELECT ${col} AS v FROM flow_versions WHERE flow_id = ? AND version = ?`).get(flowId, version) as { v: string } | undefined)?.v;
  return {
    listFlows() {
      const rows = sql(
        `SELECT flow_id AS flowId, max(CASE WHEN version > 0 THEN version END) AS latestVersion,
              max(CASE WHEN version > 0 THEN published_at END) AS latestPublishedAt, max(CASE WHEN version = 0 THEN 1 ELSE 0 END) AS hasDraft
       FROM flow_versions GROUP BY flow_id ORDER BY flow_id`,
      ).all() as (Omit<FlowSummary, 'hasDraft'> & { hasDraft: number })[];
      return rows.map((r) => ({ ...r, hasDraft: r.hasDraft === 1 }));
    },
    listVersions: (flowId) =>
      sql(
        `SELECT f.version, f.status, f.published_by AS publishedBy, u.name AS publishedByName, f.published_at AS publishedAt, f.origin, f.sha256
       FROM flow_versions f LEFT JOIN users u ON u.id = f.published_by
       WHERE f.flow_id = ? AND f.version > 0 ORDER BY f.version DESC`,
      ).all(flowId) as FlowVersionInfo[],
    source: column('source'),
    definition: column('definition'),
    sha256: column('sha256'),
    latestPublished: (flowId) =>
      (sql(`SELECT version FROM flow_versions WHERE flow_id = ? AND status = 'published' ORDER BY version DESC LIMIT 1`).get(flowId) as { version: number } | undefined)
        ?.version,
    insertPublished: (v) =>
      void sql(
        `INSERT INTO flow_versions (flow_id, version, source, definition, sha256, status, published_by, published_at, origin)
       VALUES (@flowId, @version, @source, @definition, @sha256, 'published', @publishedBy, @publishedAt, @origin)`,
      ).run(v),
    saveDraft: (d) =>
      void sql(
        `INSERT INTO flow_versions (flow_id, version, source, definition, sha256, status, published_by, published_at, origin, created_at)
       VALUES (?, 0, ?, ?, ?, 'draft', ?, NULL, 'editor', ?)
       ON CONFLICT (flow_id, version) DO UPDATE SET source = excluded.source, definition = excluded.definition, sha256 = excluded.sha256,
         published_by = excluded.published_by, created_at = excluded.created_at`,
      ).run(d.flowId, d.source, d.definition, d.sha256, d.savedBy, d.savedAt),
    getDraft: (flowId) =>
      sql(
        `SELECT f.source, f.definition, f.published_by AS savedBy, u.name AS savedByName, f.created_at AS savedAt
       FROM flow_versions f LEFT JOIN users u ON u.id = f.published_by WHERE f.flow_id = ? AND f.version = 0`,
      ).get(flowId) as StoredDraft | undefined,
    deleteDraft: (flowId) => sql(`DELETE FROM flow_versions WHERE flow_id = ? AND version = 0`).run(flowId).changes > 0,
  };
}
