import { performance } from 'node:perf_hooks';
import type { Patient, PatientDriver } from './patients.js';
import { Samples } from './samples.js';

export interface OpenLoopOptions {
  /** Offered inbound messages per second, whatever the system does (open loop). */
  offered: number;
  seconds: number;
  warmupSeconds: number;
  settleMs?: number;
}

export interface OpenLoopResult {
  /** Inbound-enqueue -> outbound-send latency of messages sent in the window after warm-up. */
  latency: Samples;
  /** Messages actually offered per second over the whole phase (should equal `offered`). */
  achievedOffered: number;
  sent: number;
  /** Messages whose reply did not arrive before the settle timeout. */
  unanswered: number;
  /** Conversations opened during the phase (new patients spawned because no idle one was free). */
  opened: number;
}

/**
 * Latency at a fixed offered load. Arrivals follow a fixed schedule (`offered`/s), independent of replies: each arrival is the
 * next answer of a patient who has had its reply (the longest idle first), or a new patient opening a chat when none is idle.
 * A patient never has two messages in flight, so each reply matches one timed message.
 */
export async function runOpenLoop(driver: PatientDriver, o: OpenLoopOptions): Promise<OpenLoopResult> {
  const latency = new Samples();
  const idle: Patient[] = [];
  let head = 0;
  const timed = new WeakSet<Patient>();
  const t0 = performance.now();
  const windowStart = t0 + o.warmupSeconds * 1000;
  const end = t0 + o.seconds * 1000;
  const startedBefore = driver.started;
  let sent = 0;

  driver.onReply((p, ms, finished) => {
    if (timed.has(p)) {
      latency.add(ms);
      timed.delete(p);
    }
    if (!finished) idle.push(p);
  });
  const offerOne = () => {
    const now = performance.now();
    const p = head < idle.length ? idle[head++]! : undefined;
    if (head > 4096 && head * 2 > idle.length) {
      idle.splice(0, head);
      head = 0;
    }
    const patient = p ?? driver.spawn();
    if (p) driver.send(p);
    if (now >= windowStart) timed.add(patient);
    sent++;
  };
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const due = Math.floor((Math.min(now, end) - t0) * (o.offered / 1000));
      while (sent < due) offerOne();
      if (now >= end) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const elapsed = (performance.now() - t0) / 1000;
  const unanswered = await driver.settle(o.settleMs ?? 30_000);
  return { latency, achievedOffered: Math.round(sent / elapsed), sent, unanswered, opened: driver.started - startedBefore };
}
