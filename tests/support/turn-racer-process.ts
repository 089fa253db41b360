import { fork } from 'node:child_process';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { repoRoot } from './system.js';

/** What a racer process reports for one item: the outcome's gist (or what handle() threw) and when handle() ran. */
export interface RacerTurn {
  start: number;
  end: number;
  duplicate?: boolean;
  conversationId?: number | null;
  outboxIds?: number[];
  errors?: string[];
  thrown?: string;
}

/** A separate process with its own connection to `target`, handling mailbox items on request (see turn-racer.ts). */
export async function startTurnRacer(target: string): Promise<{
  handle(m: { item: MailboxItem; now: number; at: number; holdMs: number }): Promise<RacerTurn>;
  stop(): Promise<void>;
}> {
  const child = fork(new URL('./turn-racer.ts', import.meta.url), [target], { cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`turn racer exited (${code}) before it was ready`)));
  });
  return {
    handle(m) {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`turn racer exited (${code}) mid-turn`));
        child.once('exit', onExit);
        child.once('message', (r) => {
          child.off('exit', onExit);
          resolve(r as RacerTurn);
        });
        child.send(m);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send('exit');
      else child.kill();
      await exited;
    },
  };
}
