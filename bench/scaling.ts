import { BENCH_TARGETS, type BenchResult, type ProcessCountRun, type ScalingEntry } from './report.js';

type SingleRun = Omit<BenchResult, 'workers' | 'redis_cmds_per_msg' | 'scaling'>;

const entry = (r: Omit<ScalingEntry, 'workers' | 'redis_cmds_per_msg'>, workers: number, redisCmds: number): ScalingEntry => ({
  workers,
  throughput_msgs_per_s: r.throughput_msgs_per_s,
  echo_msgs_per_s: r.echo_msgs_per_s,
  echo_ratio: r.echo_ratio,
  p50_ms: r.p50_ms,
  p95_ms: r.p95_ms,
  p99_ms: r.p99_ms,
  redis_cmds_per_msg: redisCmds,
  rss_mb: r.rss_mb,
});

/**
 * The bench's result from the 1-process run and, when one ran, the N-process run: the headline is the N-process run, the
 * problem counts (unanswered, dead letters, failed attempts) add up both, and `scaling` lists both.
 */
export function withScaling(single: SingleRun, multi: ProcessCountRun | undefined): BenchResult {
  const one = entry(single, 1, single.profile.throughput.redis.commands_per_msg);
  if (!multi) return { workers: 1, redis_cmds_per_msg: one.redis_cmds_per_msg, scaling: [one], ...single };
  const met = {
    throughput: multi.throughput_msgs_per_s >= BENCH_TARGETS.throughput_min,
    echo_ratio: multi.echo_ratio >= BENCH_TARGETS.echo_ratio_min,
    p99: multi.p99_ms !== null && multi.p99_ms <= BENCH_TARGETS.p99_max_ms && multi.unanswered === 0,
  };
  return {
    workers: multi.workers,
    redis_cmds_per_msg: multi.redis_cmds_per_msg,
    scaling: [one, entry(multi, multi.workers, multi.redis_cmds_per_msg)],
    ...single,
    throughput_msgs_per_s: multi.throughput_msgs_per_s,
    echo_msgs_per_s: multi.echo_msgs_per_s,
    echo_ratio: multi.echo_ratio,
    p50_ms: multi.p50_ms,
    p95_ms: multi.p95_ms,
    p99_ms: multi.p99_ms,
    max_ms: multi.max_ms,
    achieved_offered_msgs_per_s: multi.achieved_offered_msgs_per_s,
    rss_mb: multi.rss_mb,
    conversations: multi.conversations,
    conversations_completed: multi.conversations_completed,
    messages_in: multi.messages_in,
    messages_out: multi.messages_out,
    unanswered: single.unanswered + multi.unanswered,
    dead_letters: single.dead_letters + multi.dead_letters,
    jobs_failed: single.jobs_failed + multi.jobs_failed,
    targets_met: { ...met, all: met.throughput && met.echo_ratio && met.p99 },
    profile_worker_processes: multi.profile,
  };
}
