// The services' public surface for code outside src (the benchmark); grows as callers move off deep imports.
export { FlowRegistry } from './flow-registry.js';
export { createMemoryLiveBus, type LiveBus } from './live-bus.js';
export type { PipelinePort } from './ports.js';
