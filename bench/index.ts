export { runBench } from './run.js';
export { parseBenchArgs, BENCH_USAGE, type BenchOptions } from './options.js';
export { formatSummary, BENCH_TARGETS, type BenchResult, type PhaseProfile, type ScalingEntry } from './report.js';
export { BENCH_CASE, INTERVIEW_ANSWERS, LeanPlatform, PATIENT_SCRIPT, PatientDriver, type Patient } from './patients.js';
export { startBenchRedis, type BenchRedis } from './redis-server.js';
export { runEcho, type EchoOptions, type EchoResult } from './echo.js';
export { Samples } from './samples.js';
export { runScaleBench, formatScaleSummary, SCALE_TARGETS, type ScaleOptions, type ScaleResult } from './scale/index.js';
