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
}

type Summary = { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null };

/** The bench's result: printed as the last line with `--json`. */
export interface BenchResult {
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
  params: Record<string, string | number | boolean>;
  profile: {
    echo: PhaseProfile;
    throughput: PhaseProfile & { saturated_round_trip_ms: Summary };
    latency: PhaseProfile & { conversations_opened: number };
    engine_us_per_step: number;
  };
}

const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');

function phaseLines(name: string, p: PhaseProfile): string[] {
  const lines = [
    `  ${name}: node ${p.node_cpu_core_share} core (${p.node_cpu_us_per_msg} us CPU/msg), redis ${p.redis.cpu_core_share} core (${p.redis.cpu_us_per_msg} us CPU/msg, ${p.redis.commands_per_msg} commands/msg); event-loop delay p99 ${p.event_loop_delay_ms.p99} ms, max ${p.event_loop_delay_ms.max} ms`,
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
    `throughput  ${r.throughput_msgs_per_s} msgs/s sustained (target >= ${r.targets.throughput_min}: ${mark(r.targets_met.throughput)})`,
    `echo        ${r.echo_msgs_per_s} msgs/s bare BullMQ two-hop; ratio ${r.echo_ratio} (target >= ${r.targets.echo_ratio_min}: ${mark(r.targets_met.echo_ratio)})`,
    `latency     p50 ${r.p50_ms} ms, p95 ${r.p95_ms} ms, p99 ${r.p99_ms} ms at ${r.offered_msgs_per_s} msgs/s offered (target p99 <= ${r.targets.p99_max_ms}: ${mark(r.targets_met.p99)})`,
    `memory      peak RSS ${r.rss_mb} MB (bench process: system + simulated patients); redis ${r.redis_rss_mb} MB`,
    `work        ${r.conversations} conversations (${r.conversations_completed} completed), ${r.messages_in} messages in, ${r.messages_out} out; unanswered ${r.unanswered}, dead letters ${r.dead_letters}, failed job attempts ${r.jobs_failed}`,
    `profile     engine step alone ${r.profile.engine_us_per_step} us`,
    ...phaseLines('echo', r.profile.echo),
    ...phaseLines('throughput', r.profile.throughput),
    ...phaseLines('latency', r.profile.latency),
    `duration    ${r.duration_s} s`,
  ];
}
