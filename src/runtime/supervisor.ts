import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';

/** What the supervisor tells its owner (main prints these as lines a person or a test can read). */
export type SupervisorEvent =
  | { type: 'started'; slot: number; pid: number }
  | { type: 'exited'; slot: number; pid: number; code: number | null; signal: NodeJS.Signals | null; restartInMs: number | null };

export interface SupervisorOptions {
  /** How many worker processes to keep running. */
  count: number;
  /**
   * Start worker process `slot` (1-based). The child must have an IPC channel and send `{ type: 'ready' }` once it runs, and
   * should stop by itself when that channel closes (the supervisor died).
   */
  spawn: (slot: number) => ChildProcess;
  logger: Logger;
  onEvent?: (event: SupervisorEvent) => void;
  /** First restart delay of a slot; doubles while the slot keeps dying young (default 500 ms, at most 30 s). */
  backoffMs?: number;
  /** Restart-storm guard: at most this many restarts in any 60 s, across all slots (default 5); later ones wait. */
  maxRestartsPerMinute?: number;
  /** How long a stopping child may drain before it is killed (default 25 s: main's own limit is 30 s). */
  stopTimeoutMs?: number;
  /** How long start() waits for a child's `ready` (default 60 s). */
  readyTimeoutMs?: number;
}

/** A worker process did not come up at start: its exit code (2 config, 3 Redis...) says why, as it would have alone. */
export class WorkerStartError extends Error {
  constructor(
    readonly slot: number,
    readonly exitCode: number | null,
  ) {
    super(`worker process ${slot} did not start (exit ${exitCode ?? 'by signal'})`);
    this.name = 'WorkerStartError';
  }
}

interface Slot {
  n: number;
  child?: ChildProcess;
  exited?: Promise<void>;
  /** Consecutive deaths within a minute of starting: the exponent of the backoff. */
  youngDeaths: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

const MINUTE = 60_000;
// A child that ran this long died of something other than its start-up: its slot's backoff starts over.
const STABLE_MS = 30_000;

/**
 * Keeps `count` worker processes running: starts them (the first alone, so only one process migrates the database and
 * publishes the flow files when nothing else did), restarts one that dies after a backoff, never more than
 * `maxRestartsPerMinute` a minute, and on stop() forwards the signal and waits for every child to exit.
 */
export class Supervisor {
  private readonly slots: Slot[];
  private readonly restarts: number[] = [];
  private stopping = false;
  private readonly backoffMs: number;
  private readonly maxPerMinute: number;

  constructor(private readonly o: SupervisorOptions) {
    this.slots = Array.from({ length: o.count }, (_, i) => ({ n: i + 1, youngDeaths: 0, startedAt: 0 }));
    this.backoffMs = o.backoffMs ?? 500;
    this.maxPerMinute = o.maxRestartsPerMinute ?? 5;
  }

  /** Start every worker process and resolve once all are ready; rejects with WorkerStartError if one exits first. */
  async start(): Promise<void> {
    const [first, ...rest] = this.slots;
    if (first) await this.launch(first, true);
    await Promise.all(rest.map((s) => this.launch(s, true)));
  }

  /** The pids of the children running now, by slot. */
  pids(): number[] {
    return this.slots.flatMap((s) => (s.child?.pid !== undefined && s.child.exitCode === null && s.child.signalCode === null ? [s.child.pid] : []));
  }

  /** Forward `signal` to every child, wait until all exited (killing those past stopTimeoutMs); no restarts from now on. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    const waits = this.slots.map(async (s) => {
      clearTimeout(s.restartTimer);
      const child = s.child;
      if (!child || !s.exited || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), this.o.stopTimeoutMs ?? 25_000);
      await s.exited;
      clearTimeout(timer);
    });
    await Promise.all(waits);
  }

  private launch(slot: Slot, initial: boolean): Promise<void> {
    const child = this.o.spawn(slot.n);
    slot.child = child;
    slot.startedAt = Date.now();
    let ready = false;
    const readiness = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WorkerStartError(slot.n, null)), this.o.readyTimeoutMs ?? 60_000);
      child.on('message', (m: unknown) => {
        if (!ready && m && typeof m === 'object' && (m as { type?: unknown }).type === 'ready') {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      slot.exited = new Promise<void>((done) => {
        let gone = false;
        const onGone = (code: number | null, signal: NodeJS.Signals | null) => {
          if (gone) return;
          gone = true;
          clearTimeout(timer);
          if (!ready) reject(new WorkerStartError(slot.n, code));
          done();
          this.exited(slot, child, code, signal, initial && !ready);
        };
        child.once('exit', onGone);
        // A spawn that failed (no such binary, too many processes) emits 'error' and maybe no 'exit'.
        child.once('error', (error) => {
          this.o.logger.error({ worker: slot.n, err: error.name }, 'worker process could not be started');
          onGone(null, null);
        });
      });
    });
    if (child.pid !== undefined) this.o.onEvent?.({ type: 'started', slot: slot.n, pid: child.pid });
    if (!initial) readiness.catch(() => undefined);
    return readiness;
  }

  private exited(slot: Slot, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, duringStart: boolean): void {
    const pid = child.pid ?? 0;
    // At start the caller hears about it through start()'s rejection; when stopping, an exit is what we asked for.
    if (this.stopping || duringStart) {
      this.o.onEvent?.({ type: 'exited', slot: slot.n, pid, code, signal, restartInMs: null });
      return;
    }
    const now = Date.now();
    slot.youngDeaths = now - slot.startedAt < STABLE_MS ? slot.youngDeaths + 1 : 0;
    const backoff = Math.min(this.backoffMs * 2 ** Math.max(slot.youngDeaths - 1, 0), 30_000);
    while (this.restarts.length && this.restarts[0]! <= now - MINUTE) this.restarts.shift();
    // The storm guard: the (K+1)th restart in a minute waits until the oldest of the last K is a minute old.
    const stormWait = this.restarts.length >= this.maxPerMinute ? this.restarts[this.restarts.length - this.maxPerMinute]! + MINUTE - now : 0;
    const restartInMs = Math.max(backoff, stormWait);
    this.restarts.push(now + restartInMs);
    this.o.logger.error({ worker: slot.n, pid, code, signal, restartInMs, restartsLastMinute: this.restarts.length }, 'worker process exited: restarting it');
    this.o.onEvent?.({ type: 'exited', slot: slot.n, pid, code, signal, restartInMs });
    slot.restartTimer = setTimeout(() => {
      if (!this.stopping) void this.launch(slot, false);
    }, restartInMs);
  }
}
