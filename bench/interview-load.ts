import { performance } from 'node:perf_hooks';
import type { PatientDriver } from './patients.js';
import { Samples } from './samples.js';

export interface ClosedLoopOptions {
  /** Patients in conversation at once; a patient who finishes the interview is replaced by a new one. */
  patients: number;
  seconds: number;
  /** Seconds at the start not counted (JIT, connection set-up, first conversations being opened). */
  warmupSeconds: number;
  /** How long to wait for the last replies after the window closes. */
  settleMs?: number;
}

export interface ClosedLoopResult {
  msgsPerS: number;
  /** Round trips inside the measured window. */
  windowMessages: number;
  windowSeconds: number;
  /** Round-trip latency at saturation (informative: a closed loop queues by design). */
  latency: Samples;
  unanswered: number;
  /** Round trips over the whole phase, warm-up and the final settling included (for per-message costs). */
  totalMessages: number;
}

/**
 * Throughput: `patients` simulated patients each answer as soon as the bot replies (closed loop), so the pipeline always has
 * `patients` messages in flight. Sustained inbound msgs/s = round trips completed in the window after warm-up / window length.
 */
export async function runClosedLoop(driver: PatientDriver, o: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latency = new Samples();
  const answeredBefore = driver.answered;
  const t0 = performance.now();
  const windowStart = t0 + o.warmupSeconds * 1000;
  const windowEnd = t0 + o.seconds * 1000;
  let running = true;
  let inWindow = 0;
  driver.onReply((p, ms, finished) => {
    const now = performance.now();
    if (now >= windowStart && now <= windowEnd) {
      inWindow++;
      latency.add(ms);
    }
    if (!running) return;
    if (finished) driver.spawn();
    else driver.send(p);
  });
  for (let i = 0; i < o.patients; i++) driver.spawn();
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  running = false;
  const unanswered = await driver.settle(o.settleMs ?? 30_000);
  const windowSeconds = (windowEnd - windowStart) / 1000;
  return { msgsPerS: Math.round(inWindow / windowSeconds), windowMessages: inWindow, windowSeconds, latency, unanswered, totalMessages: driver.answered - answeredBefore };
}
