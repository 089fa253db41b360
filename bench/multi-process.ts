import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { BenchDatabase } from './bench-database.js';
import { startBenchSystem } from './bench-system.js';
import type { CommandCounter } from './command-counter.js';
import { runEcho } from './echo.js';
import { runClosedLoop } from './interview-load.js';
import { runOpenLoop } from './latency-run.js';
import { measured, quiet } from './measure.js';
import type { BenchOptions } from './options.js';
import { LeanPlatform, PatientDriver } from './patients.js';
import type { ProcessCountRun } from './report.js';
import { RssSampler } from './rss.js';
import { startFleet, type WorkerFleet } from './worker-fleet.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface WorkerProcessesInput {
  o: BenchOptions;
  /** How many worker processes. */
  workers: number;
  redisUrl: string;
  /** The bench's own connection, for INFO (Redis counts every connection's commands). */
  control: Redis;
  counter: CommandCounter;
  /** Key prefix of this run (unique, removed by the caller). */
  tag: string;
  warmup: number;
  log: (line: string) => void;
  database: BenchDatabase;
}

/**
 * The pipeline and the echo with the worker role in `workers` separate processes, as `npm start -- --workers N` runs it:
 * this process is the `channels` role (the fake channel over the simulated patients, intake and delivery), and N children run
 * `src/main.ts --role worker` on the same database (SQLite file or PostgreSQL schema) and Redis prefix. The echo is split the same way: its first hop runs in
 * N children (bench/echo-worker.ts), the offer and the second hop here.
 */
export async function runWithWorkerProcesses(input: WorkerProcessesInput): Promise<ProcessCountRun> {
  const { o, workers: n, redisUrl, control, counter, tag, warmup, log, database } = input;
  // This process's peak over this run only (the 1-process run before it peaked higher: it held the whole system).
  const rss = new RssSampler().start();
  log(`echo x${n}: first hop in ${n} processes, ${o.patients} in flight, ${o.seconds}s ...`);
  const echoPrefix = `${tag}-echo`;
  const echoFleet = await startFleet({ count: n, module: new URL('./echo-worker.ts', import.meta.url), args: [redisUrl, echoPrefix, String(o.concurrency)] });
  const echo = await measured(
    control,
    { counter, workers: { count: n, cpuSeconds: () => echoFleet.stats().cpuSeconds } },
    () =>
      runEcho({
        redisUrl,
        prefix: echoPrefix,
        inflight: o.patients,
        inboundConcurrency: o.concurrency,
        outboundConcurrency: 8,
        seconds: o.seconds,
        warmupSeconds: warmup,
        onConnection: (c) => counter.watch('echo', c),
        remoteFirstHop: echoFleet,
      }),
    (r) => r.totalMessages,
  ).finally(() => echoFleet.stop());
  log(`echo x${n}: ${echo.result.msgsPerS} msgs/s`);

  const platform = new LeanPlatform();
  const bench = await startBenchSystem({ redisUrl, prefix: tag, concurrency: o.concurrency, platform, roles: 'channels', database, databaseName: `w${n}` });
  let fleet: WorkerFleet | undefined;
  try {
    const { system } = bench;
    fleet = await startFleet({
      count: n,
      module: new URL('../src/main.ts', import.meta.url),
      args: ['--role', 'worker', '--supervised'],
      env: {
        // The database is the bench system's, whatever this shell names.
        ...withoutDatabase(process.env),
        NODE_ENV: 'development',
        ROLES: 'worker',
        WORKERS: '1',
        REDIS_URL: redisUrl,
        REDIS_PREFIX: tag,
        DATA_DIR: bench.dataDir,
        ...bench.databaseEnv,
        FLOWS_DIR: path.join(repoRoot, 'flows'),
        LOG_LEVEL: process.env.BENCH_WORKER_LOG ?? 'silent',
        FAKE_CHANNEL: 'off',
        WORKER_CONCURRENCY: String(o.concurrency),
        // Set, so N processes do not race to create the data folder's session secret (no web role runs anyway).
        SESSION_SECRET: randomBytes(32).toString('hex'),
      },
    });
    const f = fleet;
    counter.watch('channels', system.redis);
    const probes = { counter, workers: { count: n, cpuSeconds: () => f.stats().cpuSeconds } };

    log(`throughput x${n}: ${o.patients} patients in closed loop, ${n} worker processes, ${o.seconds}s ...`);
    const closedDriver = new PatientDriver({ platform, tag: `${tag}-t` });
    const tp = await measured(control, probes, () => runClosedLoop(closedDriver, { patients: o.patients, seconds: o.seconds, warmupSeconds: warmup }), (r) => r.totalMessages);
    closedDriver.close();
    const sat = tp.result.latency.summary();
    log(`throughput x${n}: ${tp.result.msgsPerS} msgs/s sustained (round trip at saturation p50 ${sat.p50} ms, p99 ${sat.p99} ms)`);
    const backlog = await quiet(system, 60_000);
    if (backlog) log(`throughput x${n}: ${backlog} jobs still queued after 60s`);

    log(`latency x${n}: open loop at ${o.offered} msgs/s offered, ${o.seconds}s ...`);
    const openDriver = new PatientDriver({ platform, tag: `${tag}-l` });
    const lat = await measured(control, probes, () => runOpenLoop(openDriver, { offered: o.offered, seconds: o.seconds, warmupSeconds: warmup }), (r) => r.sent);
    openDriver.close();
    const l = lat.result.latency.summary();
    log(`latency x${n}: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms over ${l.count} messages`);
    await quiet(system, 30_000);

    const c = system.db.$client;
    const one = (sql: string) => (c.prepare(sql).get() as { n: number }).n;
    const run: ProcessCountRun = {
      workers: n,
      throughput_msgs_per_s: tp.result.msgsPerS,
      echo_msgs_per_s: echo.result.msgsPerS,
      echo_ratio: echo.result.msgsPerS ? Math.round((tp.result.msgsPerS / echo.result.msgsPerS) * 100) / 100 : 0,
      p50_ms: l.p50,
      p95_ms: l.p95,
      p99_ms: l.p99,
      max_ms: l.max,
      achieved_offered_msgs_per_s: lat.result.achievedOffered,
      redis_cmds_per_msg: tp.profile.redis.commands_per_msg,
      // Set below, once the worker processes' peaks are read.
      rss_mb: 0,
      worker_processes_peak_rss_mb: f.stats().peakRssMb,
      conversations: one(`SELECT count(*) AS n FROM conversations`),
      conversations_completed: one(`SELECT count(*) AS n FROM conversations WHERE json_extract(state, '$.status') = 'completed'`),
      messages_in: one(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`),
      messages_out: one(`SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status = 'sent'`),
      unanswered: tp.result.unanswered + lat.result.unanswered,
      dead_letters: (await system.pipeline.mailboxes.deadLetters()).length,
      // Only this process's attempts (delivery): the worker processes keep their own counters.
      jobs_failed: (await system.metrics.jobsFailed.get()).values.reduce((s, v) => s + v.value, 0),
      profile: {
        echo: echo.profile,
        throughput: { ...tp.profile, saturated_round_trip_ms: sat },
        latency: { ...lat.profile, conversations_opened: lat.result.opened },
      },
    };
    // Read the peaks before the processes go.
    await fleet.stop();
    rss.stop();
    run.worker_processes_peak_rss_mb = fleet.stats().peakRssMb;
    // Honest memory for N processes: this process's peak plus each worker process's own peak.
    run.rss_mb = Math.round((rss.sampledPeakMb() + (run.worker_processes_peak_rss_mb ?? 0)) * 10) / 10;
    return run;
  } finally {
    rss.stop();
    counter.restore();
    await fleet?.stop();
    await bench.stop();
  }
}

function withoutDatabase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, DATABASE_FILE: _file, ...rest } = env;
  return rest;
}
