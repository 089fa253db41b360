import type { Redis } from 'ioredis';

interface SentCommand {
  name: string;
  args: unknown[];
}

/**
 * Counts the commands this process sends to Redis (round trips, unlike INFO commandstats, which also counts the commands run
 * inside Lua scripts), with EVALSHA named after its script (BullMQ's `moveToActive`, `addStandardJob`...). Wraps
 * `sendCommand` of the given connections; measurement only.
 */
export class CommandCounter {
  private readonly counts = new Map<string, number>();
  private readonly restores: (() => void)[] = [];
  private readonly scriptNames = new Map<string, string>();

  /** Count what `redis` sends, under `label` (e.g. `shared`). */
  watch(label: string, redis: Redis): void {
    const target = redis as unknown as { sendCommand: (c: SentCommand, ...rest: unknown[]) => unknown; scriptsSet: Record<string, { sha: string }> };
    const original = target.sendCommand;
    const names = this.scriptNames;
    const counts = this.counts;
    target.sendCommand = function (this: unknown, command: SentCommand, ...rest: unknown[]) {
      let name = command.name.toLowerCase();
      if (name === 'evalsha') {
        const sha = String(command.args[0]);
        if (!names.has(sha)) for (const [n, s] of Object.entries(target.scriptsSet ?? {})) names.set(s.sha, n);
        name = `script:${names.get(sha) ?? sha.slice(0, 8)}`;
      } else if (name === 'eval') {
        // The mailbox's inline scripts: tell them apart by their first line.
        name = `eval:${String(command.args[0]).trim().split('\n')[0]!.slice(0, 32)}`;
      }
      const key = `${label} ${name}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return original.call(this, command, ...rest);
    };
    this.restores.push(() => {
      target.sendCommand = original;
    });
  }

  /** Forget counts (between phases). */
  reset(): void {
    this.counts.clear();
  }

  /** Commands per unit of work, busiest first, and their total. */
  report(units: number, top = 14): { per_msg: number; top: { command: string; per_msg: number }[] } {
    const u = Math.max(units, 1);
    const rows = [...this.counts].sort((a, b) => b[1] - a[1]);
    const total = rows.reduce((s, [, n]) => s + n, 0);
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return { per_msg: r2(total / u), top: rows.slice(0, top).map(([command, n]) => ({ command, per_msg: r2(n / u) })) };
  }

  /** Put the original methods back. */
  restore(): void {
    for (const r of this.restores.splice(0).reverse()) r();
  }
}
