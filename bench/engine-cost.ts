import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { initialState, loadFlowFile, step, type EngineInput } from '../src/flow/index.js';
import { INTERVIEW_ANSWERS } from './patients.js';

const defaultFlowFile = fileURLToPath(new URL('../flows/case-interview.yaml', import.meta.url));

/**
 * The pure engine's share of a turn: run the bench's interview script through `step` in-process `rounds` times and return
 * the mean microseconds per step (no Redis, no SQLite), to set against the pipeline's per-message cost.
 */
export function engineMicrosPerStep(rounds = 200, file = defaultFlowFile): number {
  const loaded = loadFlowFile(path.resolve(file));
  if (!loaded.ok) throw new Error(`cannot load ${file} for the engine timing`);
  const flow = loaded.flow;
  const now = Date.now();
  let steps = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    let state = initialState(flow, { case: {} });
    for (let i = 0; i < INTERVIEW_ANSWERS.length; i++) {
      const input: EngineInput = i === 0 ? { kind: 'start' } : { kind: 'text', text: INTERVIEW_ANSWERS[i]! };
      state = step(flow, state, input, { now }, { defaultCountry: 'ID' }).state;
      steps++;
    }
  }
  return Math.round(((performance.now() - t0) * 1000) / steps);
}
