import { createHash } from 'node:crypto';
import { tx, type Db } from '../../db/index.js';
import { loadFlowSource } from '../../flow/load.js';
import type { FlowProblem } from '../../flow/problems.js';
import { audit } from '../audit.js';
import type { FlowRegistry } from '../flow-registry.js';
import { lineDiff, type DiffLine } from './line-diff.js';

export interface FlowVersionInfo {
  version: number;
  status: 'published' | 'retired';
  publishedBy: number | null;
  publishedByName: string | null;
  publishedAt: number | null;
  origin: string | null;
  sha256: string;
}

export interface FlowDraft {
  flowId: string;
  source: string;
  savedBy: number | null;
  savedByName: string | null;
  savedAt: number;
  /** Errors and warnings, as `flows:check` reports them (line and column in the draft). */
  problems: FlowProblem[];
  valid: boolean;
}

export interface FlowSummary {
  flowId: string;
  latestVersion: number | null;
  latestPublishedAt: number | null;
  hasDraft: boolean;
}

const DRAFT = 0;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The name problems are reported against: what a coordinator would call the file. */
export const flowFileName = (flowId: string) => `${flowId}.yaml`;

/** Every flow with a published version or a draft: its newest version and whether a draft is waiting. */
export function listFlows(db: Db): FlowSummary[] {
  const rows = db.$client
    .prepare(
      `SELECT flow_id AS flowId, max(CASE WHEN version > 0 THEN version END) AS latestVersion,
              max(CASE WHEN version > 0 THEN published_at END) AS latestPublishedAt, max(version = 0) AS hasDraft
       FROM flow_versions GROUP BY flow_id ORDER BY flow_id`,
    )
    .all() as { flowId: string; latestVersion: number | null; latestPublishedAt: number | null; hasDraft: number }[];
  return rows.map((r) => ({ ...r, hasDraft: r.hasDraft === 1 }));
}

/** The published versions of a flow, newest first, with who published each, when and where from. */
export function listVersions(db: Db, flowId: string): FlowVersionInfo[] {
  return db.$client
    .prepare(
      `SELECT f.version, f.status, f.published_by AS publishedBy, u.name AS publishedByName, f.published_at AS publishedAt, f.origin, f.sha256
       FROM flow_versions f LEFT JOIN users u ON u.id = f.published_by
       WHERE f.flow_id = ? AND f.version > 0 ORDER BY f.version DESC`,
    )
    .all(flowId) as FlowVersionInfo[];
}

/** The YAML source of a published version, or undefined. */
export function versionSource(db: Db, flowId: string, version: number): string | undefined {
  if (version === DRAFT) return undefined;
  const row = db.$client.prepare(`SELECT source FROM flow_versions WHERE flow_id = ? AND version = ?`).get(flowId, version) as { source: string } | undefined;
  return row?.source;
}

/** A version as a downloadable YAML file (`<flow>.v<N>.yaml`), or undefined. */
export function exportVersionYaml(db: Db, flowId: string, version: number): { filename: string; source: string } | undefined {
  const source = versionSource(db, flowId, version);
  return source === undefined ? undefined : { filename: `${flowId}.v${version}.yaml`, source };
}

/** Validate a draft's source as `flows:check` would, adding an error when its `id:` is not the flow being edited. */
export function checkDraft(flowId: string, source: string): { valid: boolean; problems: FlowProblem[]; definition: string } {
  const file = flowFileName(flowId);
  const loaded = loadFlowSource(source, file);
  if (!loaded.ok) return { valid: false, problems: loaded.problems, definition: 'null' };
  if (loaded.flow.id !== flowId) {
    const line = source.split(/\r?\n/).findIndex((l) => /^id\s*:/.test(l)) + 1;
    return {
      valid: false,
      problems: [
        { file, line: Math.max(1, line), col: 1, message: `the flow's id is '${loaded.flow.id}' but this is the editor of '${flowId}'; change it back to ${flowId}`, severity: 'error' },
        ...loaded.warnings,
      ],
      definition: 'null',
    };
  }
  return { valid: true, problems: loaded.warnings, definition: JSON.stringify(loaded.flow) };
}

/**
 * Save the working draft of a flow (one per flow, stored as version 0, replaced on each save). A draft may be invalid: it is
 * stored anyway (work is never lost) and its problems are returned. `definition` holds the validated flow or `null`.
 */
export function saveDraft(db: Db, flowId: string, source: string, opts: { userId: number | null; now: number }): FlowDraft {
  const checked = checkDraft(flowId, source);
  db.$client
    .prepare(
      `INSERT INTO flow_versions (flow_id, version, source, definition, sha256, status, published_by, published_at, origin, created_at)
       VALUES (?, 0, ?, ?, ?, 'draft', ?, NULL, 'editor', ?)
       ON CONFLICT (flow_id, version) DO UPDATE SET source = excluded.source, definition = excluded.definition, sha256 = excluded.sha256,
         published_by = excluded.published_by, created_at = excluded.created_at`,
    )
    .run(flowId, source, checked.definition, sha256(source), opts.userId, opts.now);
  return getDraft(db, flowId)!;
}

/** The working draft with its current problems, or undefined when there is none. */
export function getDraft(db: Db, flowId: string): FlowDraft | undefined {
  const row = db.$client
    .prepare(
      `SELECT f.source, f.published_by AS savedBy, u.name AS savedByName, f.created_at AS savedAt
       FROM flow_versions f LEFT JOIN users u ON u.id = f.published_by WHERE f.flow_id = ? AND f.version = 0`,
    )
    .get(flowId) as { source: string; savedBy: number | null; savedByName: string | null; savedAt: number } | undefined;
  if (!row) return undefined;
  const checked = checkDraft(flowId, row.source);
  return { flowId, ...row, problems: checked.problems, valid: checked.valid };
}

/** Throw away the working draft; true when there was one. */
export function discardDraft(db: Db, flowId: string): boolean {
  return db.$client.prepare(`DELETE FROM flow_versions WHERE flow_id = ? AND version = 0`).run(flowId).changes > 0;
}

export type PublishOutcome =
  | { ok: true; version: number; changed: boolean }
  | { ok: false; error: 'no_draft' }
  | { ok: false; error: 'invalid'; problems: FlowProblem[] };

/**
 * Publish the draft as a new version (origin `editor`): new conversations take it, running ones finish on theirs. The draft is
 * removed once published; a draft equal to the latest version publishes nothing. Audited.
 */
export function publishDraft(db: Db, registry: FlowRegistry, flowId: string, opts: { userId: number | null; now: number }): PublishOutcome {
  return tx(db, () => {
    const draft = getDraft(db, flowId);
    if (!draft) return { ok: false, error: 'no_draft' } as const;
    if (!draft.valid) return { ok: false, error: 'invalid', problems: draft.problems } as const;
    registry.refresh();
    const r = registry.publish(draft.source, flowFileName(flowId), { origin: 'editor', userId: opts.userId, now: opts.now });
    if (!r.ok) return { ok: false, error: 'invalid', problems: r.problems } as const;
    discardDraft(db, flowId);
    if (r.changed) auditFlow(db, 'flow.publish', flowId, { version: r.version, origin: 'editor' }, opts);
    return { ok: true, version: r.version, changed: r.changed } as const;
  });
}

export type RollbackOutcome = { ok: true; version: number; changed: boolean } | { ok: false; error: 'not_found' } | { ok: false; error: 'invalid'; problems: FlowProblem[] };

/**
 * Publish an old version's source again as a NEW version with origin `rollback:N` (history is never rewritten, and
 * conversations on other versions are untouched). Rolling back to the current version changes nothing. Audited.
 */
export function rollback(db: Db, registry: FlowRegistry, flowId: string, version: number, opts: { userId: number | null; now: number }): RollbackOutcome {
  return tx(db, () => {
    const source = versionSource(db, flowId, version);
    if (source === undefined) return { ok: false, error: 'not_found' } as const;
    // The registry caches "latest"; another process may have published since.
    registry.refresh();
    const r = registry.publish(source, flowFileName(flowId), { origin: `rollback:${version}`, userId: opts.userId, now: opts.now });
    if (!r.ok) return { ok: false, error: 'invalid', problems: r.problems } as const;
    if (r.changed) auditFlow(db, 'flow.rollback', flowId, { version: r.version, from: version }, opts);
    return { ok: true, version: r.version, changed: r.changed } as const;
  });
}

export interface VersionDiff {
  flowId: string;
  from: number;
  to: number;
  lines: DiffLine[];
  added: number;
  removed: number;
}

/** A line diff between two versions of a flow (0 = the draft), or undefined when either does not exist. */
export function diffVersions(db: Db, flowId: string, from: number, to: number): VersionDiff | undefined {
  const src = (v: number) => (v === DRAFT ? getDraft(db, flowId)?.source : versionSource(db, flowId, v));
  const a = src(from);
  const b = src(to);
  if (a === undefined || b === undefined) return undefined;
  const lines = lineDiff(a, b);
  return { flowId, from, to, lines, added: lines.filter((l) => l.op === '+').length, removed: lines.filter((l) => l.op === '-').length };
}

function auditFlow(db: Db, action: string, flowId: string, details: Record<string, unknown>, opts: { userId: number | null; now: number }): void {
  audit(db, { actorKind: opts.userId === null ? 'system' : 'user', actorId: opts.userId, action, entityType: 'flow', entityId: flowId, details }, opts.now);
}
