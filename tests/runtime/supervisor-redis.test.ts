import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { eventually, repoRoot, uniquePrefix } from '../support/system.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** `npm start -- --role worker --workers 2` on the test Redis and a temp data folder; its stdout as it comes. */
function startFleet(dataDir: string): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'worker', '--workers', '2'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      REDIS_URL: inject('redisUrl'),
      REDIS_PREFIX: uniquePrefix('fleet'),
      DATA_DIR: dataDir,
      FLOWS_DIR: path.join(repoRoot, 'flows'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out + err, exited };
}

/** The pid the supervisor last reported for worker `slot` ("worker 1 started (pid N)"). */
const pidOf = (out: string, slot: number) => [...out.matchAll(new RegExp(`^worker ${slot} started \\(pid (\\d+)\\)$`, 'gm'))].map((m) => Number(m[1])).at(-1);

describe('npm start -- --workers 2: one supervisor, two worker processes', () => {
  let fleet: ReturnType<typeof startFleet> | undefined;
  let dataDir: string | undefined;
  afterEach(async () => {
    if (fleet && fleet.child.exitCode === null) {
      fleet.child.kill('SIGKILL');
      await fleet.exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    fleet = undefined;
  });

  it('restarts a worker killed with SIGKILL, stays up, and stops every process on SIGTERM', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-fleet-'));
    fleet = startFleet(dataDir);
    const f = fleet;
    await eventually(() => (f.out().includes('tracebot is running (worker in 2 processes)') ? true : undefined), 'the fleet to start', 60_000, 50);
    const first = [pidOf(f.out(), 1)!, pidOf(f.out(), 2)!];
    expect(first.every(alive)).toBe(true);
    expect(first).not.toContain(f.child.pid);

    process.kill(first[0]!, 'SIGKILL');
    const replacement = await eventually(() => {
      const pid = pidOf(f.out(), 1);
      return pid !== undefined && pid !== first[0] ? pid : undefined;
    }, 'worker 1 to be restarted', 30_000, 50);
    expect(f.out()).toMatch(/^worker 1 exited \(SIGKILL\), restarting in \d+ ms$/m);
    expect(alive(replacement)).toBe(true);
    expect(alive(first[1]!)).toBe(true);
    expect(f.child.exitCode).toBeNull();

    f.child.kill('SIGTERM');
    expect(await f.exited).toBe(0);
    for (const pid of [replacement, first[1]!]) expect(alive(pid), `worker pid ${pid}`).toBe(false);
  }, 120_000);

  it('workers stop by themselves when the supervisor is killed outright', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-fleet-'));
    fleet = startFleet(dataDir);
    const f = fleet;
    await eventually(() => (f.out().includes('tracebot is running (worker in 2 processes)') ? true : undefined), 'the fleet to start', 60_000, 50);
    const pids = [pidOf(f.out(), 1)!, pidOf(f.out(), 2)!];
    f.child.kill('SIGKILL');
    await f.exited;
    await eventually(() => (pids.some(alive) ? undefined : true), 'the orphaned workers to exit', 30_000, 50);
  }, 120_000);
});
