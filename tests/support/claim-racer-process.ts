import { fork } from 'node:child_process';
import type { InboxActor, InboxResult } from '../../src/services/inbox/index.js';
import { repoRoot } from './system.js';

/** One claim made by a racer process. */
export interface RacerClaim {
  conversationId: number;
  actorId: number;
  result: InboxResult<{ escalationId: number }>;
}

/** A separate process with its own connection to `target` (tempDb's `file`), claiming chats on request (see claim-racer.ts). */
export async function startRacer(target: string): Promise<{
  claim(m: { conversationId: number; actor: InboxActor; at: number }): Promise<RacerClaim>;
  stop(): Promise<void>;
}> {
  const child = fork(new URL('./claim-racer.ts', import.meta.url), [target], { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`claim racer exited (${code}) before it was ready`)));
  });
  return {
    claim(m) {
      return new Promise((resolve) => {
        child.once('message', (r) => resolve(r as RacerClaim));
        child.send(m);
      });
    },
    async stop() {
      if (child.connected) child.send('exit');
      await exited;
    },
  };
}
