import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { redisConnection } from '../src/queue/index.js';
import type { System } from '../src/system.js';
import { benchDatabase, dropBenchDatabase } from './bench-database.js';
import { startBenchSystem } from './bench-system.js';
import { runEcho } from './echo.js';
import { engineMicrosPerStep } from './engine-cost.js';
import { runClosedLoop } from './interview-load.js';
import { runOpenLoop } from './latency-run.js';
import type { BenchOptions } from './options.js';
import { LeanPlatform, PatientDriver } from './patients.js';
import { measured, quiet } from './measure.js';
import { runWithWorkerProcesses } from './multi-process.js';
import { redisSnapshot } from './redis-stats.js';
import { startBenchRedis } from './redis-server.js';
import { CommandCounter } from './command-counter.js';
import { BENCH_TARGETS, type BenchResult } from './report.js';
import { RssSampler } from './rss.js';
import { withScaling } from './scaling.js';
import { StageTimers } from './stage-timers.js';

/** Time the pipeline's stages by wrapping the running objects' methods (see StageTimers). */
function instrument(system: System, timers: StageTimers): void {
  const p = system.pipeline;
  timers.wrap('enqueue_inbound', p, 'enqueueInbound');
  timers.wrap('drain_take', p.mailboxes, 'take');
  timers.wrap('drain_commit', p.mailboxes, 'commit');
  timers.wrap('turn_sqlite_tx', p.conversations, 'handle');
  timers.wrap('outbox_dispatch', p.dispatcher, 'dispatch');
  // The delivery service is private to the pipeline; reaching it is acceptable for a measurement, not for production code.
  const delivery = (p as unknown as { delivery: { deliver: (...a: unknown[]) => unknown } }).delivery;
  timers.wrap('outbound_deliver', delivery, 'deliver');
  timers.wrap('redis_eval', system.redis, 'eval');
}

/**
 * One bench run: a private Redis (unless given), the echo ceiling, then the real system with simulated patients: a closed-loop
 * throughput phase and an open-loop latency phase; all in this process, then again with `o.workers` worker processes
 * (bench/multi-process.ts) unless that is 1. `log` gets the human-readable lines as they come.
 */
export async function runBench(o: BenchOptions, log: (line: string) => void = () => {}): Promise<BenchResult> {
  const started = performance.now();
  // Other work on the machine skews every number here: record it next to them.
  const loadAtStart = Math.round(os.loadavg()[0]! * 100) / 100;
  const rss = new RssSampler().start();
  const warmup = Math.min(3, o.seconds / 5);
  const tag = `bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const ownRedis = o.redisUrl ? undefined : await startBenchRedis();
  const redisUrl = o.redisUrl ?? ownRedis!.url;
  const control = redisConnection(redisUrl);
  let bench: Awaited<ReturnType<typeof startBenchSystem>> | undefined;
  const timers = new StageTimers();
  const counter = new CommandCounter();
  const database = benchDatabase(o.database, o.databaseUrl);
  // Ctrl-C skips the finally below: still drop the run's schemas, which would otherwise stay on a shared server.
  const onSignal = (signal: NodeJS.Signals) => {
    try {
      dropBenchDatabase(database);
    } finally {
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };
  if (database.kind === 'postgres') for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, onSignal);
  try {
    log(`redis: ${ownRedis ? `private redis-server at ${redisUrl} (append-only)` : redisUrl}; ${os.availableParallelism()} cores, load ${loadAtStart}; node ${process.version}`);
    log(`database: ${database.kind === 'postgres' ? `PostgreSQL at ${new URL(database.url).host}, schemas ${database.prefix}_*` : 'SQLite (WAL), a temp file per system'}`);

    log(`echo: bare BullMQ two-hop, ${o.patients} in flight, concurrency ${o.concurrency}/8, ${o.seconds}s ...`);
    const echo = await measured(
      control,
      { counter },
      () =>
        runEcho({
          redisUrl,
          prefix: `${tag}-echo`,
          inflight: o.patients,
          inboundConcurrency: o.concurrency,
          outboundConcurrency: 8,
          seconds: o.seconds,
          warmupSeconds: warmup,
          onConnection: (c) => {
            counter.watch('echo', c);
          },
        }),
      (r) => r.totalMessages,
    );
    log(`echo: ${echo.result.msgsPerS} msgs/s`);

    const platform = new LeanPlatform();
    bench = await startBenchSystem({ redisUrl, prefix: tag, concurrency: o.concurrency, platform, database, databaseName: '1' });
    const { system } = bench;
    const journal = system.db.engine === 'sqlite' ? String(system.db.$client.pragma('journal_mode', { simple: true })) : null;
    instrument(system, timers);
    counter.watch('shared', system.redis);

    log(`throughput: ${o.patients} patients in closed loop through the interview, ${o.seconds}s (first ${warmup}s not counted) ...`);
    const closedDriver = new PatientDriver({ platform, tag: `${tag}-t` });
    const tp = await measured(control, { timers, counter }, () => runClosedLoop(closedDriver, { patients: o.patients, seconds: o.seconds, warmupSeconds: warmup }), (r) => r.totalMessages);
    closedDriver.close();
    const sat = tp.result.latency.summary();
    log(`throughput: ${tp.result.msgsPerS} msgs/s sustained (round trip at saturation p50 ${sat.p50} ms, p99 ${sat.p99} ms)`);
    const backlog = await quiet(system, 60_000);
    if (backlog) log(`throughput: ${backlog} jobs still queued after 60s`);

    log(`latency: open loop at ${o.offered} msgs/s offered, ${o.seconds}s (first ${warmup}s not counted) ...`);
    const openDriver = new PatientDriver({ platform, tag: `${tag}-l` });
    const lat = await measured(control, { timers, counter }, () => runOpenLoop(openDriver, { offered: o.offered, seconds: o.seconds, warmupSeconds: warmup }), (r) => r.sent);
    openDriver.close();
    const l = lat.result.latency.summary();
    log(`latency: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms over ${l.count} messages (${lat.result.achievedOffered} msgs/s offered)`);
    await quiet(system, 30_000);

    const c = system.db.$client;
    const one = (sql: string) => (c.prepare(sql).get() as { n: number }).n;
    const conversations = one(`SELECT count(*) AS n FROM conversations`);
    const completed = one(`SELECT count(*) AS n FROM conversations WHERE json_extract(state, '$.status') = 'completed'`);
    const messagesIn = one(`SELECT count(*) AS n FROM messages WHERE direction = 'in'`);
    const messagesOut = one(`SELECT count(*) AS n FROM messages WHERE direction = 'out' AND status = 'sent'`);
    const deadLetters = (await system.pipeline.mailboxes.deadLetters()).length;
    const failed = (await system.metrics.jobsFailed.get()).values.reduce((s, v) => s + v.value, 0);
    const redisRss = (await redisSnapshot(control)).rssBytes;
    timers.restore();
    counter.restore();
    await bench.stop();
    bench = undefined;
    rss.stop();
    const engineUs = engineMicrosPerStep();

    const throughput = tp.result.msgsPerS;
    const echoRate = echo.result.msgsPerS;
    const ratio = echoRate ? Math.round((throughput / echoRate) * 100) / 100 : 0;
    const met = {
      throughput: throughput >= BENCH_TARGETS.throughput_min,
      echo_ratio: ratio >= BENCH_TARGETS.echo_ratio_min,
      p99: l.p99 !== null && l.p99 <= BENCH_TARGETS.p99_max_ms && lat.result.unanswered === 0,
    };
    const single = {
      database: database.kind,
      throughput_msgs_per_s: throughput,
      echo_msgs_per_s: echoRate,
      echo_ratio: ratio,
      p50_ms: l.p50,
      p95_ms: l.p95,
      p99_ms: l.p99,
      max_ms: l.max,
      offered_msgs_per_s: o.offered,
      achieved_offered_msgs_per_s: lat.result.achievedOffered,
      rss_mb: rss.peakMb(),
      redis_rss_mb: Math.round((redisRss / 1024 / 1024) * 10) / 10,
      conversations,
      conversations_completed: completed,
      messages_in: messagesIn,
      messages_out: messagesOut,
      unanswered: tp.result.unanswered + lat.result.unanswered,
      dead_letters: deadLetters,
      jobs_failed: failed,
      duration_s: Math.round((performance.now() - started) / 100) / 10,
      targets: { ...BENCH_TARGETS },
      targets_met: { ...met, all: met.throughput && met.echo_ratio && met.p99 },
      params: {
        patients: o.patients,
        seconds: o.seconds,
        warmup_s: warmup,
        offered: o.offered,
        concurrency: o.concurrency,
        quick: o.quick,
        load_avg_1m: loadAtStart,
        redis: ownRedis ? 'private' : 'external',
        sqlite_journal: journal,
        pg_schema_prefix: database.kind === 'postgres' ? database.prefix : null,
        cores: os.availableParallelism(),
        workers: o.workers,
        node: process.version,
      },
      profile: {
        echo: echo.profile,
        throughput: { ...tp.profile, saturated_round_trip_ms: sat },
        latency: { ...lat.profile, conversations_opened: lat.result.opened },
        engine_us_per_step: engineUs,
      },
    };
    if (o.workers === 1) return withScaling(single, undefined);
    const multi = await runWithWorkerProcesses({ o, workers: o.workers, redisUrl, control, counter, tag: `${tag}-w${o.workers}`, warmup, log, database });
    return withScaling({ ...single, duration_s: Math.round((performance.now() - started) / 100) / 10 }, multi);
  } finally {
    timers.restore();
    counter.restore();
    await bench?.stop().catch(() => undefined);
    if (o.redisUrl) await unlinkPrefix(control, tag).catch(() => undefined);
    await control.quit().catch(() => control.disconnect());
    await ownRedis?.stop();
    rss.stop();
    try {
      dropBenchDatabase(database);
    } catch (e) {
      // Not thrown: it would hide the run's own error, if any.
      log(`database: could not drop the schemas ${database.kind === 'postgres' ? `${database.prefix}_*` : ''}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.off(s, onSignal);
  }
}

/** On a Redis we did not start, remove the run's keys (its prefix is unique to the run). */
async function unlinkPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
