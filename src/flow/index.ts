/**
 * The flow module's public surface: the flow format, the loader, the pure engine and the transcript runner.
 * Services import from here; the answer parsers have their own surface in `./answers/index.js`.
 */
export * from './definition.js';
export type * from './types.js';
export { initialState, step, type StepOptions } from './engine.js';
export { loadFlowFile, loadFlowSource, type LoadResult } from './load.js';
export { formatProblem, hasErrors, sortProblems, type FlowProblem, type SourcePos } from './problems.js';
export { clockAtLocal, epochAtLocal } from './clock.js';
export { CONDITION_OPERATORS } from './conditions.js';
export { matchKeyword, type Keyword } from './keywords.js';
export { DEFAULT_TEXTS, systemText, type SystemTextKey } from './system-texts.js';
export { formatTranscriptFailure, runTranscriptFile, type TranscriptFailure, type TranscriptOptions, type TranscriptResult } from './transcript.js';
