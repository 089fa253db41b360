/** Coordinators' data services: case import, dashboard, contacts registry, transmission chains, exports, flow versions. */
export { previewImport, commitImport, parseCsvDate, parseCsvTimestamp, HEADER_ALIASES, type ImportField, type ImportOptions, type ImportPreview, type ImportProblem, type ImportResult, type PreviewRow, type FileIssue } from './case-import.js';
export { parseCsv, type CsvParseResult, type CsvRecord } from './csv-parse.js';
export { dashboard, median, type Dashboard, type DashboardQuery, type DayPoint, type TracerLoad } from './dashboard.js';
export { listRegistry, getContact, likelyDuplicates, mergeContacts, mergedInto, type ContactExposure, type DuplicatePair, type MergeResult, type RegistryContact, type RegistryQuery } from './contacts-registry.js';
export { normaliseName, jaroWinkler } from './name-match.js';
export { chainGraph, type ChainEdge, type ChainGraph, type ChainNode } from './chains.js';
export { exportCasesCsv, exportContactsCsv, exportExposuresCsv, CASE_COLUMNS, CONTACT_COLUMNS, EXPOSURE_COLUMNS, type ExportFormat } from './exports.js';
export { importProblemsCsv } from './import-problems.js';
export {
  listFlows,
  listVersions,
  versionSource,
  exportVersionYaml,
  checkDraft,
  saveDraft,
  getDraft,
  discardDraft,
  publishDraft,
  publishSource,
  rollback,
  diffVersions,
  flowFileName,
  type DraftCheck,
  type FlowDraft,
  type FlowStore,
  type FlowSummary,
  type FlowVersionInfo,
  type PublishOutcome,
  type RollbackOutcome,
  type VersionDiff,
} from './flow-versions.js';
export { lineDiff, type DiffLine } from './line-diff.js';
export { zonedToEpoch, startOfLocalDay, isoInZone } from './zoned-time.js';
export { estimateSendTime, MESSAGES_PER_CHECKIN, type SendEstimate, type SendEstimateInput } from './send-estimate.js';
export { followUpIndicators, type CheckInRow, type FollowUpIndicators, type FollowUpRow } from './follow-up-indicators.js';
export { monitoringToday, ROSTER_STAGES, type MonitoringToday, type MonitoringTodayQuery, type TodayRow } from './monitoring-today.js';
