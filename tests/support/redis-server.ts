import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitForPort } from '../../src/runtime/tcp-ports.js';

export interface TestRedis {
  url: string;
  port: number;
  process: ChildProcess;
  /** Stop the server (SIGTERM, or SIGKILL to simulate a crash). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port and data dir. */
  restart(): Promise<void>;
}

/** Start a private redis-server on a free port (append-only on, so a restart keeps data). */
export async function startRedis(opts: { persist?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--maxmemory-policy', 'noeviction'];
  args.push('--appendonly', opts.persist ? 'yes' : 'no', '--appendfsync', 'always');
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn('redis-server', args, { stdio: 'ignore' });
    if (!(await waitForPort('127.0.0.1', port, 10_000))) throw new Error(`redis-server did not listen on ${port}`);
  };
  await launch();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    await exited;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get process() {
      return proc;
    },
    stop,
    restart: launch,
    [Symbol.for('cleanup')]: () => rmSync(dir, { recursive: true, force: true }),
  } as TestRedis;
}
