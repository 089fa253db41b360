import type { RedisCost } from './redis-stats.js';

/** The targets of issue 3 on a 2-core machine. */
export const BENCH_TARGETS = Object.freeze({ throughput_min: 2000, echo_ratio_min: 0.5, p99_max_ms: 100 });

/** Where one phase spent its time. */
export interface PhaseProfile {
  seconds: number;
  messages: number;
  /** This process's CPU over the phase as a share of one core (1.0 = one core busy). */
  node_cpu_core_share: number;
  node_cpu_us_per_msg: number;
  /** How late timers fired (sampling every 5 ms): long synchronous work, or the process waiting for a CPU. */
  event_loop_delay_ms: { p50: number; p99: number; max: number };
  redis: RedisCost;
  /** Commands this process sent (round trips), per message. */
  client_commands: { per_msg: number; top: { command: string; per_msg: number }[] };
  stages?: Record<string, { calls_per_msg: number; mean_ms: number; total_ms_per_msg: number }>;
  /** With separate worker processes: their CPU together (the node_ figures above are this process's only). */
  worker_processes?: { count: number; cpu_core_share: number | null; cpu_us_per_msg: number | null };
}

type Summary = { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null };

/** One process count's headline figures, as the `scaling` array lists them. */
export interface ScalingEntry {
  workers: number;
  throughput_msgs_per_s: number;
  echo_msgs_per_s: number;
  echo_ratio: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  redis_cmds_per_msg: number;
  rss_mb: number;
}

/** The pipeline measured with the worker role in separate processes (bench/multi-process.ts). */
export interface ProcessCountRun extends ScalingEntry {
  max_ms: number | null;
  achieved_offered_msgs_per_s: number;
  /** The worker processes' peaks together (null where /proc cannot tell). */
  worker_processes_peak_rss_mb: number | null;
  conversations: number;
  conversations_completed: number;
  messages_in: number;
  messages_out: number;
  unanswered: number;
  dead_letters: number;
  jobs_failed: number;
  profile: { echo: PhaseProfile; throughput: PhaseProfile & { saturated_round_trip_ms: Summary }; latency: PhaseProfile & { conversations_opened: number } };
}

/**
 * The bench's result: printed as the last line with `--json`. The headline fields are the run with `workers` worker
 * processes; `scaling` lists every process count measured (1 and N), `profile` is the 1-process run (its stage timers see
 * every stage in-process) and `profile_worker_processes` the N-process run.
 */
export interface BenchResult {
  /** What the systems stored their data in (each system a fresh file or schema). */
  database: 'sqlite' | 'postgres';
  /** Worker processes of the headline figures. */
  workers: number;
  /** Commands Redis executed per message in the headline throughput phase, every connection counted (INFO commandstats). */
  redis_cmds_per_msg: number;
  scaling: ScalingEntry[];
  throughput_msgs_per_s: number;
  echo_msgs_per_s: number;
  echo_ratio: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  offered_msgs_per_s: number;
  achieved_offered_msgs_per_s: number;
  rss_mb: number;
  redis_rss_mb: number;
  conversations: number;
  conversations_completed: number;
  messages_in: number;
  messages_out: number;
  unanswered: number;
  dead_letters: number;
  jobs_failed: number;
  duration_s: number;
  targets: { throughput_min: number; echo_ratio_min: number; p99_max_ms: number };
  targets_met: { throughput: boolean; echo_ratio: boolean; p99: boolean; all: boolean };
  /** SQLite-only facts (the journal mode) are null on PostgreSQL. */
  params: Record<string, string | number | boolean | null>;
  profile: {
    echo: PhaseProfile;
    throughput: PhaseProfile & { saturated_round_trip_ms: Summary };
    latency: PhaseProfile & { conversations_opened: number };
    engine_us_per_step: number;
  };
  profile_worker_processes?: ProcessCountRun['profile'];
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

function phaseLines(name: string, p: PhaseProfile): string[] {
  const w = p.worker_processes;
  const lines = [
    `  ${name}: node ${p.node_cpu_core_share} core (${p.node_cpu_us_per_msg} us CPU/msg), redis ${p.redis.cpu_core_share} core (${p.redis.cpu_us_per_msg} us CPU/msg, ${p.redis.commands_per_msg} commands/msg); event-loop delay p99 ${p.event_loop_delay_ms.p99} ms, max ${p.event_loop_delay_ms.max} ms`,
    ...(w ? [`    ${w.count} worker processes: ${w.cpu_core_share ?? '?'} core (${w.cpu_us_per_msg ?? '?'} us CPU/msg)`] : []),
    `    sent by this process ${p.client_commands.per_msg}/msg: ${p.client_commands.top.map((t) => `${t.command} ${t.per_msg}`).join(', ')}`,
    `    run inside redis/msg: ${p.redis.top.map((t) => `${t.command} ${t.per_msg} (${t.usec_per_call} us)`).join(', ')}`,
  ];
  if (p.stages) {
    const st = Object.entries(p.stages)
      .map(([k, v]) => `${k} ${v.mean_ms} ms x ${v.calls_per_msg}`)
      .join(', ');
    lines.push(`    stages (mean wall ms x calls/msg): ${st}`);
  }
  return lines;
}

/** The human-readable summary printed after the run. */
export function formatSummary(r: BenchResult): string[] {
  return [
    '',
    `throughput  ${r.throughput_msgs_per_s} msgs/s sustained with ${r.workers} worker process${r.workers === 1 ? '' : 'es'} on ${r.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${r.redis_cmds_per_msg} Redis commands/msg (target >= ${r.targets.throughput_min}: ${mark(r.targets_met.throughput)})`,
    `echo        ${r.echo_msgs_per_s} msgs/s bare BullMQ two-hop; ratio ${r.echo_ratio} (target >= ${r.targets.echo_ratio_min}: ${mark(r.targets_met.echo_ratio)})`,
    `latency     p50 ${r.p50_ms} ms, p95 ${r.p95_ms} ms, p99 ${r.p99_ms} ms at ${r.offered_msgs_per_s} msgs/s offered (target p99 <= ${r.targets.p99_max_ms}: ${mark(r.targets_met.p99)})`,
    `memory      peak RSS ${r.rss_mb} MB (${r.workers === 1 ? 'bench process: system + simulated patients' : 'bench process + worker processes, each at its peak'}); redis ${r.redis_rss_mb} MB`,
    `work        ${r.conversations} conversations (${r.conversations_completed} completed), ${r.messages_in} messages in, ${r.messages_out} out; unanswered ${r.unanswered}, dead letters ${r.dead_letters}, failed job attempts ${r.jobs_failed}`,
    `profile     engine step alone ${r.profile.engine_us_per_step} us`,
    ...phaseLines('echo', r.profile.echo),
    ...phaseLines('throughput', r.profile.throughput),
    ...phaseLines('latency', r.profile.latency),
    ...scalingLines(r),
    ...(r.profile_worker_processes
      ? [
          `profile with ${r.workers} worker processes (node_ figures: this process, the channels role):`,
          ...phaseLines('echo', r.profile_worker_processes.echo),
          ...phaseLines('throughput', r.profile_worker_processes.throughput),
          ...phaseLines('latency', r.profile_worker_processes.latency),
        ]
      : []),
    `duration    ${r.duration_s} s`,
  ];
}

function scalingLines(r: BenchResult): string[] {
  return [
    `scaling     worker processes: msgs/s, echo msgs/s (ratio), p50/p99 ms at ${r.offered_msgs_per_s}/s offered, Redis commands/msg, peak RSS of all processes`,
    ...r.scaling.map(
      (s) =>
        `  x${s.workers}: ${s.throughput_msgs_per_s} msgs/s, echo ${s.echo_msgs_per_s} (${s.echo_ratio}), p50 ${s.p50_ms} / p99 ${s.p99_ms} ms, ${s.redis_cmds_per_msg} cmds/msg, ${s.rss_mb} MB`,
    ),
  ];
}
