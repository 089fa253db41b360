import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FlowVersionInfo, Repositories } from '../domain/repositories/index.js';
import type { FlowDefinition } from '../flow/definition.js';
import { loadFlowSource } from '../flow/load.js';
import { formatProblem, type FlowProblem } from '../flow/problems.js';

/** A flow file that changed on disk while a newer version was published from the web editor (or a rollback). */
export interface FlowFileConflict {
  file: string;
  flowId: string;
  /** The version the web published after the file's last version: it stays live. */
  liveVersion: number;
  /** The last version published from this file (0 when the file was never published). */
  fileVersion: number;
}

/** What a flows folder holds compared with the published versions. */
export interface FlowDirectoryState {
  published: string[];
  unchanged: string[];
  broken: string[];
  conflicts: FlowFileConflict[];
}

/** The part of the flow registry a sync publishes through (kept structural so the registry can call this module). */
export interface FlowPublisher {
  publishValidated(flow: FlowDefinition, source: string, opts: { origin: string; userId?: number | null; now: number }): { version: number; changed: boolean };
  publish(source: string, file: string, opts: { origin: string; userId?: number | null; now: number }): { ok: true; version: number; changed: boolean } | { ok: false; problems: FlowProblem[] };
  refresh(): void;
}

type FileVerdict = { kind: 'unchanged'; version: number } | { kind: 'publish' } | { kind: 'conflict'; conflict: FlowFileConflict };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The origin recorded for versions published from a flows-folder file. */
export const fileOrigin = (fileName: string) => `file:${fileName}`;

/**
 * Decide what a file means for its flow. The file is compared with the last version that came FROM THIS FILE, not with
 * the latest of any origin: a file nobody touched since it was last published must never replace a newer version the
 * web editor published. When both changed, the web version stays live and the conflict is reported.
 */
function verdict(versions: FlowVersionInfo[], flowId: string, fileName: string, hash: string): FileVerdict {
  const latest = versions[0];
  if (latest?.sha256 === hash) return { kind: 'unchanged', version: latest.version };
  const fromFile = versions.find((v) => v.origin === fileOrigin(fileName));
  if (fromFile?.sha256 === hash) return { kind: 'unchanged', version: latest!.version };
  const newerElsewhere = versions.find((v) => v.version > (fromFile?.version ?? 0) && v.origin !== fileOrigin(fileName));
  if (!newerElsewhere) return { kind: 'publish' };
  return { kind: 'conflict', conflict: { file: fileName, flowId, liveVersion: latest!.version, fileVersion: fromFile?.version ?? 0 } };
}

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Compare every `*.yaml` of a folder with the published versions and, when `registry` is given, publish the files that
 * changed since their own last version (unless the web published a newer one meanwhile: a conflict). Without a registry
 * nothing is written and `published` lists what a start would publish (`file@new`). Broken files are reported and never
 * reach a patient.
 */
export function syncFlowDirectory(repos: Pick<Repositories, 'flowVersions'>, dir: string, now: number, registry?: FlowPublisher): FlowDirectoryState {
  const out: FlowDirectoryState = { published: [], unchanged: [], broken: [], conflicts: [] };
  for (const f of yamlFiles(dir)) {
    const file = path.join(dir, f);
    const source = readFileSync(file, 'utf8');
    const loaded = loadFlowSource(source, file);
    if (!loaded.ok) {
      out.broken.push(...loaded.problems.filter((p) => p.severity === 'error').map(formatProblem));
      continue;
    }
    const v = verdict(repos.flowVersions.listVersions(loaded.flow.id), loaded.flow.id, f, sha256(source));
    if (v.kind === 'unchanged') out.unchanged.push(`${f}@${v.version}`);
    else if (v.kind === 'conflict') out.conflicts.push(v.conflict);
    else if (registry) {
      const r = registry.publishValidated(loaded.flow, source, { origin: fileOrigin(f), now });
      (r.changed ? out.published : out.unchanged).push(`${f}@${r.version}`);
    } else out.published.push(`${f}@new`);
  }
  return out;
}

/** The files of a flows folder that changed while the web published a newer version (shown on the flows page). */
export function flowFileConflicts(repos: Pick<Repositories, 'flowVersions'>, dir: string): FlowFileConflict[] {
  return syncFlowDirectory(repos, dir, 0).conflicts;
}

/** Publish a conflicting file's text as a new version (origin the file), by a coordinator's choice; undefined if no such file. */
export function publishFlowFile(registry: FlowPublisher, dir: string, fileName: string, opts: { userId: number | null; now: number }) {
  if (!yamlFiles(dir).includes(fileName)) return undefined;
  const file = path.join(dir, fileName);
  registry.refresh();
  return registry.publish(readFileSync(file, 'utf8'), file, { origin: fileOrigin(fileName), userId: opts.userId, now: opts.now });
}
