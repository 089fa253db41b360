import { createHash } from 'node:crypto';
import type { Repositories } from '../domain/repositories/index.js';
import type { FlowDefinition } from '../flow/definition.js';
import { loadFlowSource } from '../flow/load.js';
import type { FlowProblem } from '../flow/problems.js';
import { syncFlowDirectory, type FlowDirectoryState } from './flow-file-sync.js';

export interface PublishedFlow {
  flowId: string;
  version: number;
  flow: FlowDefinition;
}

export type PublishResult =
  | { ok: true; version: number; changed: boolean }
  | { ok: false; problems: FlowProblem[] };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Published flow versions, read from SQLite and cached by (id, version). Versions are immutable once published, so a
 * running conversation keeps the exact flow it started on while new conversations take the latest.
 */
export class FlowRegistry {
  private readonly byVersion = new Map<string, FlowDefinition>();
  private readonly latestCache = new Map<string, PublishedFlow & { checkedAt: number }>();

  /**
   * @param latestTtlMs how long "the latest version" is trusted before SQLite is asked again: another process (the web
   *   editor) may have published, and new conversations must pick that up without a restart.
   */
  constructor(
    private readonly repos: Pick<Repositories, 'flowVersions'>,
    private readonly latestTtlMs = 2000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The definition of one published version, or undefined if there is none. */
  get(flowId: string, version: number): FlowDefinition | undefined {
    const k = `${flowId}@${version}`;
    const cached = this.byVersion.get(k);
    if (cached) return cached;
    const definition = this.repos.flowVersions.definition(flowId, version);
    if (definition === undefined) return undefined;
    const flow = JSON.parse(definition) as FlowDefinition; // written by publish() from a validated definition
    this.byVersion.set(k, flow);
    return flow;
  }

  /** The newest published version of a flow (new conversations start on it). */
  latest(flowId: string): PublishedFlow | undefined {
    const cached = this.latestCache.get(flowId);
    if (cached && this.clock() - cached.checkedAt < this.latestTtlMs) return cached;
    const version = this.repos.flowVersions.latestPublished(flowId);
    if (version === undefined) return undefined;
    const flow = this.get(flowId, version);
    if (!flow) return undefined;
    const published = { flowId, version, flow };
    this.latestCache.set(flowId, { ...published, checkedAt: this.clock() });
    return published;
  }

  /** Forget cached "latest" pointers (another process may have published). */
  refresh(): void {
    this.latestCache.clear();
  }

  /** Validate YAML and publish it as a new version unless it equals the latest; broken flows are refused with problems. */
  publish(source: string, file: string, opts: { origin: string; userId?: number | null; now: number }): PublishResult {
    const loaded = loadFlowSource(source, file);
    if (!loaded.ok) return { ok: false, problems: loaded.problems };
    return this.publishValidated(loaded.flow, source, opts);
  }

  /**
   * Publish a definition the caller has just validated from `source` (parsed once, by the caller) as a new version unless
   * the source equals the latest's. The stored definition is this one, and it is the one `get` returns from then on.
   */
  publishValidated(flow: FlowDefinition, source: string, opts: { origin: string; userId?: number | null; now: number }): { ok: true; version: number; changed: boolean } {
    const hash = sha256(source);
    const current = this.latest(flow.id);
    if (current && this.repos.flowVersions.sha256(flow.id, current.version) === hash) return { ok: true, version: current.version, changed: false };
    const version = (current?.version ?? 0) + 1;
    this.repos.flowVersions.insertPublished({
      flowId: flow.id,
      version,
      source,
      definition: JSON.stringify(flow),
      sha256: hash,
      publishedBy: opts.userId ?? null,
      publishedAt: opts.now,
      origin: opts.origin,
    });
    this.byVersion.set(`${flow.id}@${version}`, flow);
    this.latestCache.delete(flow.id);
    return { ok: true, version, changed: true };
  }

  /**
   * Publish every `*.yaml` in a folder that changed since the last version published from that file; a file left alone
   * never overrides a newer version from the web editor (see `syncFlowDirectory`). Broken files are reported and skipped.
   */
  syncDirectory(dir: string, now: number): FlowDirectoryState {
    return syncFlowDirectory(this.repos, dir, now, this);
  }
}
