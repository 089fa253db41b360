import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portAnswers } from '../runtime/tcp-ports.js';

/** A redis-server the benchmark started for itself. */
export interface BenchRedis {
  url: string;
  pid: number | undefined;
  /** Stop the server and remove its data directory. */
  stop(): Promise<void>;
}

/**
 * Start a private redis-server on a free port with the same persistence `npm start` uses (append-only, fsync every second,
 * noeviction), so the numbers are those of a real deployment rather than of an in-memory-only Redis.
 */
export async function startBenchRedis(timeoutMs = 10_000): Promise<BenchRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-bench-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'];
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + timeoutMs;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(r, 50, undefined))]);
    if (failed) {
      await stop();
      throw new Error(`could not start redis-server (${failed.message}); install it or pass --redis-url`);
    }
    if (await portAnswers('127.0.0.1', port)) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      await stop();
      throw new Error(`redis-server did not listen on port ${port} within ${timeoutMs} ms`);
    }
  }
  return { url: `redis://127.0.0.1:${port}`, pid: child.pid, stop };
}
