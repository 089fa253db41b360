import os from 'node:os';
import { parseArgs } from 'node:util';

/** Sizes and switches of one bench run. */
export interface BenchOptions {
  json: boolean;
  quick: boolean;
  /** Concurrent patients in the throughput phase (and messages in flight in the echo phase). */
  patients: number;
  /** Length of each measured phase (echo, throughput, latency), warm-up included. */
  seconds: number;
  /** Offered load of the latency phase, msgs/s. */
  offered: number;
  /** The pipeline's WORKER_CONCURRENCY (the echo's first hop uses the same). */
  concurrency: number;
  /** Worker processes of the headline run (default: the core count); 1 process is always measured too. */
  workers: number;
  /** Use this Redis instead of starting a private one. */
  redisUrl?: string;
  /** The database the systems run on: a fresh SQLite file each, or a fresh schema each on the PostgreSQL at `databaseUrl`. */
  database: 'sqlite' | 'postgres';
  /** With `database: 'postgres'`: the server (its `schema` parameter, if any, is replaced by the run's own). */
  databaseUrl?: string;
  /** Run issue 6's inbox scale measurement instead (no Redis): seeded SQLite, page timings, live streams. */
  scale: boolean;
  scaleSize: 'full' | 'small';
  /** Scale run overrides; the size gives the defaults. */
  scaleRequests?: number;
  sseConnections?: number;
  sseSeconds?: number;
}

export const BENCH_USAGE =
  'usage: npm run bench -- [--json] [--quick] [--workers N] [--patients N] [--seconds N] [--offered N] [--concurrency N] [--redis-url redis://...]\n' +
  '                        [--database sqlite|postgres] [--database-url postgres://...]\n' +
  '       npm run bench -- --scale [--json] [--scale-size full|small] [--requests N] [--sse-connections N] [--sse-seconds N]';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULTS = { patients: 300, seconds: 20, offered: 500, concurrency: 16, workers: os.availableParallelism() };
// Small enough for a test to finish in seconds; the numbers are then only a smoke signal.
const QUICK = { patients: 20, seconds: 2, offered: 50, workers: 2 };

/**
 * Parse argv (without node and script); `env` supplies REDIS_URL, and BENCH_DATABASE_URL or else TEST_DATABASE_URL as the
 * default of `--database-url`. Returns the options or a usage problem.
 */
export function parseBenchArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): BenchOptions | { problem: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        json: { type: 'boolean' },
        quick: { type: 'boolean' },
        patients: { type: 'string' },
        seconds: { type: 'string' },
        offered: { type: 'string' },
        concurrency: { type: 'string' },
        workers: { type: 'string' },
        'redis-url': { type: 'string' },
        database: { type: 'string' },
        'database-url': { type: 'string' },
        scale: { type: 'boolean' },
        'scale-size': { type: 'string' },
        requests: { type: 'string' },
        'sse-connections': { type: 'string' },
        'sse-seconds': { type: 'string' },
      },
    }));
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
  const quick = values.quick === true;
  const base = quick ? { ...DEFAULTS, ...QUICK } : DEFAULTS;
  const num = (name: keyof typeof DEFAULTS, raw: string | undefined, min: number, max: number): number | string => {
    if (raw === undefined) return base[name];
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) return `--${name} must be a number from ${min} to ${max}, not "${raw}"`;
    return name === 'seconds' ? n : Math.round(n);
  };
  const patients = num('patients', values.patients, 1, 100_000);
  const seconds = num('seconds', values.seconds, 0.5, 3600);
  const offered = num('offered', values.offered, 1, 100_000);
  const concurrency = num('concurrency', values.concurrency, 1, 256);
  const workers = num('workers', values.workers, 1, 64);
  for (const v of [patients, seconds, offered, concurrency, workers]) if (typeof v === 'string') return { problem: v };
  const scaleSize = values['scale-size'] ?? 'full';
  if (scaleSize !== 'full' && scaleSize !== 'small') return { problem: `--scale-size must be full or small, not "${scaleSize}"` };
  const scaleNums: Record<string, number> = {};
  for (const [flag, key, min, max] of [['requests', 'scaleRequests', 1, 100_000], ['sse-connections', 'sseConnections', 1, 20_000], ['sse-seconds', 'sseSeconds', 1, 3600]] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) return { problem: `--${flag} must be a whole number from ${min} to ${max}, not "${raw}"` };
    scaleNums[key] = n;
  }
  const redisUrl = values['redis-url'] ?? (env.REDIS_URL || undefined);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) return { problem: `--redis-url must start with redis://, not "${redisUrl}"` };
  const database = values.database ?? 'sqlite';
  if (database !== 'sqlite' && database !== 'postgres') return { problem: `--database must be sqlite or postgres, not "${database}"` };
  const databaseUrl = values['database-url'] ?? (env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL);
  if (database === 'postgres' && !/^postgres(ql)?:\/\//i.test(databaseUrl)) return { problem: `--database-url must start with postgres://, not "${databaseUrl}"` };
  // The scale bench seeds and probes SQLite directly (sqliteHandle): it has no PostgreSQL variant.
  if (values.scale === true && database === 'postgres') return { problem: '--scale measures SQLite only: drop --database postgres' };
  return {
    json: values.json === true,
    quick,
    patients: patients as number,
    seconds: seconds as number,
    offered: offered as number,
    concurrency: concurrency as number,
    workers: workers as number,
    ...(redisUrl ? { redisUrl } : {}),
    database,
    ...(database === 'postgres' ? { databaseUrl } : {}),
    scale: values.scale === true,
    scaleSize,
    ...scaleNums,
  };
}
