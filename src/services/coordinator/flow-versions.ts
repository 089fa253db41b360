import { createHash } from 'node:crypto';
import type { FlowSummary, FlowVersionInfo, Repositories, StoredDraft } from '../../domain/repositories/index.js';
import type { FlowDefinition } from '../../flow/definition.js';
import { loadFlowSource } from '../../flow/load.js';
import type { FlowProblem } from '../../flow/problems.js';
import { audit } from '../audit.js';
import type { FlowRegistry } from '../flow-registry.js';
import { lineDiff, type DiffLine } from './line-diff.js';

export type { FlowSummary, FlowVersionInfo } from '../../domain/repositories/index.js';

/** What the flow editor needs: stored versions, the audit log, and a transaction around them. */
export type FlowStore = Pick<Repositories, 'flowVersions' | 'audit' | 'transactions'>;

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

const DRAFT = 0;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** The name problems are reported against: what a coordinator would call the file. */
export const flowFileName = (flowId: string) => `${flowId}.yaml`;

/** Every flow with a published version or a draft: its newest version and whether a draft is waiting. */
export function listFlows(repos: Pick<Repositories, 'flowVersions'>): FlowSummary[] {
  return repos.flowVersions.listFlows();
}

/** The published versions of a flow, newest first, with who published each, when and where from. */
export function listVersions(repos: Pick<Repositories, 'flowVersions'>, flowId: string): FlowVersionInfo[] {
  return repos.flowVersions.listVersions(flowId);
}

/** The YAML source of a published version, or undefined. */
export function versionSource(repos: Pick<Repositories, 'flowVersions'>, flowId: string, version: number): string | undefined {
  if (version === DRAFT) return undefined;
  return repos.flowVersions.source(flowId, version);
}

/** A version as a downloadable YAML file (`<flow>.v<N>.yaml`), or undefined. */
export function exportVersionYaml(repos: Pick<Repositories, 'flowVersions'>, flowId: string, version: number): { filename: string; source: string } | undefined {
  const source = versionSource(repos, flowId, version);
  return source === undefined ? undefined : { filename: `${flowId}.v${version}.yaml`, source };
}

/** A draft's check: the problems, and when valid the validated definition (object, and JSON as stored). */
export type DraftCheck = { valid: true; problems: FlowProblem[]; flow: FlowDefinition; definition: string } | { valid: false; problems: FlowProblem[]; definition: 'null' };

/**
 * Validate a draft's source as `flows:check` would (parsing it once), adding an error when its `id:` is not the flow being
 * edited.
 */
export function checkDraft(flowId: string, source: string): DraftCheck {
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
  return { valid: true, problems: loaded.warnings, flow: loaded.flow, definition: JSON.stringify(loaded.flow) };
}

/**
 * Save the working draft of a flow (one per flow, stored as version 0, replaced on each save). A draft may be invalid: it is
 * stored anyway (work is never lost) and its problems are returned. `definition` holds the validated flow or `null`.
 */
export function saveDraft(repos: Pick<Repositories, 'flowVersions'>, flowId: string, source: string, opts: { userId: number | null; now: number }): FlowDraft {
  return storeDraft(repos, flowId, source, checkDraft(flowId, source), opts);
}

function storeDraft(repos: Pick<Repositories, 'flowVersions'>, flowId: string, source: string, checked: DraftCheck, opts: { userId: number | null; now: number }): FlowDraft {
  repos.flowVersions.saveDraft({ flowId, source, definition: checked.definition, sha256: sha256(source), savedBy: opts.userId, savedAt: opts.now });
  return toDraft(flowId, repos.flowVersions.getDraft(flowId)!, checked);
}

/** The working draft with its current problems, or undefined when there is none. */
export function getDraft(repos: Pick<Repositories, 'flowVersions'>, flowId: string): FlowDraft | undefined {
  const stored = repos.flowVersions.getDraft(flowId);
  return stored ? toDraft(flowId, stored, checkDraft(flowId, stored.source)) : undefined;
}

function toDraft(flowId: string, stored: StoredDraft, checked: DraftCheck): FlowDraft {
  const { source, savedBy, savedByName, savedAt } = stored;
  return { flowId, source, savedBy, savedByName, savedAt, problems: checked.problems, valid: checked.valid };
}

/** Throw away the working draft; true when there was one. */
export function discardDraft(repos: Pick<Repositories, 'flowVersions'>, flowId: string): boolean {
  return repos.flowVersions.deleteDraft(flowId);
}

export type PublishOutcome =
  | { ok: true; version: number; changed: boolean }
  | { ok: false; error: 'no_draft' }
  | { ok: false; error: 'invalid'; problems: FlowProblem[] };

/**
 * Publish the draft as a new version (origin `editor`): new conversations take it, running ones finish on theirs. The draft is
 * removed once published; a draft equal to the latest version publishes nothing. Audited.
 */
export function publishDraft(repos: FlowStore, registry: FlowRegistry, flowId: string, opts: { userId: number | null; now: number }): PublishOutcome {
  return repos.transactions.transaction(() => {
    const stored = repos.flowVersions.getDraft(flowId);
    if (!stored) return { ok: false, error: 'no_draft' } as const;
    return publishChecked(repos, registry, flowId, stored.source, checkDraft(flowId, stored.source), opts);
  });
}

/**
 * The editor's Publish button: save the text as the draft (whatever happens next, the coordinator's work is kept), then
 * publish it as `publishDraft` does. The text is parsed and validated once for both.
 */
export function publishSource(repos: FlowStore, registry: FlowRegistry, flowId: string, source: string, opts: { userId: number | null; now: number }): PublishOutcome {
  const checked = checkDraft(flowId, source);
  storeDraft(repos, flowId, source, checked, opts);
  return repos.transactions.transaction(() => publishChecked(repos, registry, flowId, source, checked, opts));
}

/** Publish a checked draft: the definition validated here is the one stored and served. Call inside a transaction. */
function publishChecked(repos: FlowStore, registry: FlowRegistry, flowId: string, source: string, checked: DraftCheck, opts: { userId: number | null; now: number }): PublishOutcome {
  if (!checked.valid) return { ok: false, error: 'invalid', problems: checked.problems };
  registry.refresh();
  const r = registry.publishValidated(checked.flow, source, { origin: 'editor', userId: opts.userId, now: opts.now });
  repos.flowVersions.deleteDraft(flowId);
  if (r.changed) auditFlow(repos, 'flow.publish', flowId, { version: r.version, origin: 'editor' }, opts);
  return { ok: true, version: r.version, changed: r.changed };
}

export type RollbackOutcome = { ok: true; version: number; changed: boolean } | { ok: false; error: 'not_found' } | { ok: false; error: 'invalid'; problems: FlowProblem[] };

/**
 * Publish an old version's source again as a NEW version with origin `rollback:N` (history is never rewritten, and
 * conversations on other versions are untouched). Rolling back to the current version changes nothing. Audited.
 */
export function rollback(repos: FlowStore, registry: FlowRegistry, flowId: string, version: number, opts: { userId: number | null; now: number }): RollbackOutcome {
  return repos.transactions.transaction(() => {
    const source = versionSource(repos, flowId, version);
    if (source === undefined) return { ok: false, error: 'not_found' } as const;
    // The registry caches "latest"; another process may have published since.
    registry.refresh();
    const r = registry.publish(source, flowFileName(flowId), { origin: `rollback:${version}`, userId: opts.userId, now: opts.now });
    if (!r.ok) return { ok: false, error: 'invalid', problems: r.problems } as const;
    if (r.changed) auditFlow(repos, 'flow.rollback', flowId, { version: r.version, from: version }, opts);
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
export function diffVersions(repos: Pick<Repositories, 'flowVersions'>, flowId: string, from: number, to: number): VersionDiff | undefined {
  const src = (v: number) => repos.flowVersions.source(flowId, v);
  const a = src(from);
  const b = src(to);
  if (a === undefined || b === undefined) return undefined;
  const lines = lineDiff(a, b);
  return { flowId, from, to, lines, added: lines.filter((l) => l.op === '+').length, removed: lines.filter((l) => l.op === '-').length };
}

function auditFlow(repos: Pick<Repositories, 'audit'>, action: string, flowId: string, details: Record<string, unknown>, opts: { userId: number | null; now: number }): void {
  audit(repos, { actorKind: opts.userId === null ? 'system' : 'user', actorId: opts.userId, action, entityType: 'flow', entityId: flowId, details }, opts.now);
}
