import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { System } from '../../src/system.js';
import { repoRoot } from './system.js';

/** A `npm start -- --role worker` process sharing the test's Redis prefix and database. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Start a separate worker process (`node --import tsx src/main.ts --role worker`) on `env` and wait until it says it is
 * running. Its stderr is kept for the failure message.
 */
export async function spawnWorker(env: Record<string, string>, timeoutMs = 30_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', 'worker'], {
    cwd: repoRoot,
    // WORKERS=1: this one process is the worker, so a SIGKILL aimed at it cuts a drain short (not a supervisor's).
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', HTTP_PORT: '0', WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs} ms: ${stderr.slice(-500)}`)), timeoutMs);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('tracebot is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code ?? signal}) before it started: ${stderr.slice(-500)}`));
    });
  });
  return {
    child,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/**
 * The environment of a worker process sharing a test system's Redis prefix and database (its PostgreSQL URL and schema,
 * or its SQLite file), one process each: WORKERS=1.
 */
export function workerEnvFor(sys: System & { dataDir: string }, redisUrl: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: sys.config.REDIS_PREFIX,
    DATA_DIR: sys.dataDir,
    ...(sys.config.databaseUrl ? { DATABASE_URL: sys.config.databaseUrl } : { DATABASE_FILE: sys.config.databaseFile }),
    FLOWS_DIR: path.join(repoRoot, 'flows'),
    WORKERS: '1',
  };
}
