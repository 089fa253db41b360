import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Supervisor, WorkerStartError, type SupervisorEvent } from '../../src/runtime/supervisor.js';

/** A stand-in child process: says ready on the next tick; `die()` ends it as a crash would. */
class FakeChild extends EventEmitter {
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  constructor(
    readonly pid: number,
    ready = true,
  ) {
    super();
    if (ready) setTimeout(() => this.emit('message', { type: 'ready' }), 0);
  }
  die(signal: NodeJS.Signals | null = 'SIGKILL', code: number | null = null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
  kill(signal: NodeJS.Signals): boolean {
    setTimeout(() => this.die(null, signal === 'SIGTERM' ? 0 : null), 10);
    return true;
  }
}

describe('the worker supervisor', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  const fleet = (count: number, opts: { readyOnStart?: boolean } = {}) => {
    const children: FakeChild[] = [];
    const events: SupervisorEvent[] = [];
    const sup = new Supervisor({
      count,
      logger: pino({ level: 'silent' }),
      spawn: () => {
        const c = new FakeChild(100 + children.length, opts.readyOnStart ?? true);
        children.push(c);
        return c as unknown as ChildProcess;
      },
      onEvent: (e) => events.push(e),
      maxRestartsPerMinute: 3,
    });
    return { sup, children, events };
  };

  it('restarts a dead worker after a backoff that grows while it keeps dying young, and at most 3 times a minute', async () => {
    const { sup, children, events } = fleet(2);
    const started = sup.start();
    await vi.advanceTimersByTimeAsync(1);
    await started;
    expect(sup.pids()).toEqual([100, 101]);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      children.at(i === 0 ? 0 : -1)!.die();
      const e = events.at(-1)!;
      expect(e).toMatchObject({ type: 'exited', slot: 1 });
      delays.push((e as { restartInMs: number }).restartInMs);
      await vi.advanceTimersByTimeAsync(delays.at(-1)! + 1);
    }
    // 500, 1000, 2000 ms of backoff; the 4th restart in a minute waits for the first to be a minute old.
    expect(delays.slice(0, 3)).toEqual([500, 1000, 2000]);
    expect(delays[3]).toBeGreaterThan(50_000);
    expect(sup.pids()).toHaveLength(2);
    const stopped = sup.stop();
    await vi.advanceTimersByTimeAsync(20);
    await stopped;
    expect(sup.pids()).toEqual([]);
  });

  it('start() names a worker that exits before it is ready (its exit code), and does not restart it', async () => {
    const { sup, children } = fleet(1, { readyOnStart: false });
    const started = sup.start();
    const failed = expect(started).rejects.toEqual(new WorkerStartError(1, 2));
    children[0]!.die(null, 2);
    await failed;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children).toHaveLength(1);
  });
});
