import { fork, type ChildProcess, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Fork one of the bench's TypeScript helper modules as its own Node process with an IPC channel. The parent's flags are
 * passed on; tsx's loader is added when the parent was not started through it (a test importing the bench directly).
 */
export function forkTs(moduleUrl: URL, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; stdio?: StdioOptions } = {}): ChildProcess {
  const viaTsx = process.execArgv.some((a) => a.includes('tsx'));
  return fork(fileURLToPath(moduleUrl), args, {
    execArgv: viaTsx ? process.execArgv : [...process.execArgv, '--import', 'tsx'],
    stdio: opts.stdio ?? ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(opts.env ? { env: opts.env } : {}),
  });
}

/** The next IPC message from `child` matching `type`; rejects if the child exits first. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${type}" from the helper process within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: unknown) => {
      if (m && typeof m === 'object' && (m as { type?: unknown }).type === type) done(undefined, m as T);
      else if (m && typeof m === 'object' && (m as { type?: unknown }).type === 'error') done(new Error(String((m as { message?: unknown }).message)));
    };
    const onExit = (code: number | null) => done(new Error(`the helper process exited (code ${code}) before sending "${type}"`));
    function done(err?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
