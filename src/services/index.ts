// The services' public surface for code outside src (the benchmark); grows as callers move off deep imports.
export { FlowRegistry } from './flow-registry.js';
