/** Stored flow versions: drafts (version 0) and published versions (interface only; SQLite in src/db/repositories). */

export interface FlowVersionInfo {
  version: number;
  status: 'published' | 'retired';
  publishedBy: number | null;
  publishedByName: string | null;
  publishedAt: number | null;
  origin: string | null;
  sha256: string;
}

export interface FlowSummary {
  flowId: string;
  latestVersion: number | null;
  latestPublishedAt: number | null;
  hasDraft: boolean;
}

/** The working draft as stored: its source, the validated definition as JSON (`null` when invalid), who saved it when. */
export interface StoredDraft {
  source: string;
  definition: string;
  savedBy: number | null;
  savedByName: string | null;
  savedAt: number;
}

/** A version to publish: `definition` is the validated FlowDefinition as JSON. */
export interface NewFlowVersion {
  flowId: string;
  version: number;
  source: string;
  definition: string;
  sha256: string;
  publishedBy: number | null;
  publishedAt: number;
  origin: string;
}

export interface FlowVersionRepository {
  /** Every flow with a published version or a draft. */
  listFlows(): FlowSummary[];
  /** Published versions, newest first, with the publisher's name. */
  listVersions(flowId: string): FlowVersionInfo[];
  /** The YAML source of a stored version (0 = the draft). */
  source(flowId: string, version: number): string | undefined;
  /** The validated definition (JSON text) of a stored version. */
  definition(flowId: string, version: number): string | undefined;
  /** The SHA-256 of a stored version's source. */
  sha256(flowId: string, version: number): string | undefined;
  /** The newest published version number. */
  latestPublished(flowId: string): number | undefined;
  insertPublished(v: NewFlowVersion): void;
  /** Create or replace the draft. */
  saveDraft(d: { flowId: string; source: string; definition: string; sha256: string; savedBy: number | null; savedAt: number }): void;
  getDraft(flowId: string): StoredDraft | undefined;
  /** Remove the draft; false when there was none. */
  deleteDraft(flowId: string): boolean;
}
