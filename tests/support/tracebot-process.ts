import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './system.js';

/** A `src/main.ts --role <roles>` process of its own, as one machine of a deployment runs it. */
export interface TracebotProcess {
  name: string;
  child: ChildProcess;
  /** `http://host:port` when it runs the web role. */
  address?: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  /** The tail of its stderr, for failure messages. */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Start `node --import tsx src/main.ts --role <roles>` on `env` (nothing inherited but PATH and HOME) and wait until it
 * says it is running; a web process's address is read from its start banner (HTTP_PORT=0 picks a free port). `track` gets
 * the process at once, before it is ready, so the caller can stop it even when its start fails or times out.
 */
export async function spawnTracebot(
  name: string,
  roles: string,
  env: Record<string, string>,
  o: { track?: (p: TracebotProcess) => void; timeoutMs?: number } = {},
): Promise<TracebotProcess> {
  const timeoutMs = o.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--role', roles], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', HTTP_PORT: '0', WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals) => {
    if (alive()) child.kill(signal);
    await exited;
  };
  const handle: TracebotProcess = {
    name,
    child,
    exited,
    stderr: () => err,
    kill,
    async stop(graceMs = 5_000) {
      if (!alive()) return;
      const force = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      await kill('SIGTERM');
      clearTimeout(force);
    },
  };
  o.track?.(handle);
  const address = await new Promise<string | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs} ms: ${err.slice(-500)}`)), timeoutMs);
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const line = /tracebot is running \([^)]*\)(?: at (\S+))?\n/.exec(out);
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(line[1]);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it started: ${err.slice(-500)}`));
    });
  });
  // Keep draining stdout, or a chatty process would block on a full pipe.
  child.stdout!.resume();
  if (address) handle.address = address;
  return handle;
}
