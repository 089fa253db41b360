export { runScaleBench, type ScaleOptions } from './run.js';
export { formatScaleSummary, SCALE_TARGETS, type ScaleResult } from './report.js';
export { seedScaleDb, type SeedResult } from './seed.js';
export { FULL, SMALL, scaleSize, type ScaleSize } from './sizes.js';
