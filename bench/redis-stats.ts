import type { Redis } from 'ioredis';

/** What Redis did, read from INFO: cumulative command counts and CPU seconds. */
export interface RedisSnapshot {
  calls: Map<string, { calls: number; usec: number }>;
  cpuSeconds: number;
  rssBytes: number;
}

/** Read INFO commandstats, cpu and memory (one round trip). */
export async function redisSnapshot(redis: Redis): Promise<RedisSnapshot> {
  const text = await redis.info('everything');
  const calls = new Map<string, { calls: number; usec: number }>();
  let cpu = 0;
  let rss = 0;
  for (const line of text.split(/\r?\n/)) {
    const cmd = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line);
    if (cmd) calls.set(cmd[1]!, { calls: Number(cmd[2]), usec: Number(cmd[3]) });
    const c = /^used_cpu_(?:user|sys):([\d.]+)/.exec(line);
    if (c) cpu += Number(c[1]);
    const m = /^used_memory_rss:(\d+)/.exec(line);
    if (m) rss = Number(m[1]);
  }
  return { calls, cpuSeconds: cpu, rssBytes: rss };
}

/** Per-phase Redis cost: commands and Redis CPU per unit of work (e.g. per inbound message). */
export interface RedisCost {
  commands_per_msg: number;
  /** Redis server CPU (user+sys) as a fraction of one core over the phase. */
  cpu_core_share: number;
  cpu_us_per_msg: number;
  /** The busiest commands, by calls per message. */
  top: { command: string; per_msg: number; usec_per_call: number }[];
}

/** The difference between two snapshots, divided by `units` over `seconds`. */
export function redisCost(before: RedisSnapshot, after: RedisSnapshot, units: number, seconds: number): RedisCost {
  const u = Math.max(units, 1);
  const rows: { command: string; calls: number; usec: number }[] = [];
  for (const [command, a] of after.calls) {
    const b = before.calls.get(command) ?? { calls: 0, usec: 0 };
    // INFO itself is ours, not the system's.
    if (command === 'info' || a.calls === b.calls) continue;
    rows.push({ command, calls: a.calls - b.calls, usec: a.usec - b.usec });
  }
  rows.sort((x, y) => y.calls - x.calls);
  const total = rows.reduce((s, r) => s + r.calls, 0);
  const cpu = Math.max(0, after.cpuSeconds - before.cpuSeconds);
  const r2 = (v: number) => Math.round(v * 100) / 100;
  return {
    commands_per_msg: r2(total / u),
    cpu_core_share: r2(cpu / Math.max(seconds, 1e-9)),
    cpu_us_per_msg: Math.round((cpu * 1e6) / u),
    top: rows.slice(0, 8).map((r) => ({ command: r.command, per_msg: r2(r.calls / u), usec_per_call: r2(r.usec / Math.max(r.calls, 1)) })),
  };
}
