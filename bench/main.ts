/**
 * `npm run bench -- [--json] [--quick] [--workers N] [--patients N] [--seconds N] [--offered N] [--concurrency N] [--redis-url URL]
 *   [--database sqlite|postgres] [--database-url URL]`
 *
 * Simulated patients run the default interview through the real pipeline (fake channel, real Redis, real SQLite in WAL):
 * sustained msgs/s, latency at a fixed offered load, peak RSS, and a bare BullMQ echo on the same Redis as the ceiling;
 * once with everything in one process, then with the worker role in N processes (default: the core count), the echo split
 * the same way. The headline figures are the N-process run; `scaling` lists both. `BENCH_WORKER_LOG=warn` shows the worker
 * processes' logs at that level (silent otherwise). With `--database postgres` each system runs in a fresh schema on the
 * server `--database-url` names (default: BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server), all dropped
 * at the end, also after a failure or Ctrl-C.
 * With `--json` the last line is one JSON object (see BenchResult). Starts a private redis-server unless `--redis-url` or
 * REDIS_URL is given.
 *
 * `npm run bench -- --scale [--json] [--scale-size full|small]` measures the inbox at issue 6's scale instead: 100,000
 * conversations and 1,000,000 messages in SQLite, queue and conversation pages timed at the server, 1,000 live streams held
 * (see bench/scale). No Redis.
 *
 * `npm run bench -- --monitoring N [--json]` measures following N contacts (issue 16, see bench/monitoring.ts): seconds to
 * enrol them and to plan one day's check-ins, and the peak RSS. SQLite only.
 */
import { pathToFileURL } from 'node:url';
import { BENCH_USAGE, formatScaleSummary, formatSummary, parseBenchArgs, runBench, runScaleBench } from './index.js';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(BENCH_USAGE);
    return 0;
  }
  const m = argv.indexOf('--monitoring');
  if (m >= 0) {
    const n = Number(argv[m + 1]);
    if (argv.includes('--database') && argv[argv.indexOf('--database') + 1] !== 'sqlite') {
      console.error('--monitoring measures SQLite only: drop --database');
      return 2;
    }
    if (!Number.isInteger(n) || n < 1) {
      console.error('usage: npm run bench -- --monitoring N [--json]');
      return 2;
    }
    const { runMonitoringBench } = await import('./monitoring.js');
    const r = runMonitoringBench(n, (line) => console.log(line));
    console.log(`monitoring ${r.contacts}: enrol ${r.enrolSeconds} s, plan a day ${r.planSeconds} s (${r.planned} check-ins), peak RSS ${r.peakRssMb} MB`);
    if (argv.includes('--json')) console.log(JSON.stringify(r));
    return 0;
  }
  const opts = parseBenchArgs(argv, process.env);
  if ('problem' in opts) {
    console.error(`${opts.problem}\n${BENCH_USAGE}`);
    return 2;
  }
  if (opts.scale) {
    const scale = await runScaleBench(
      {
        size: opts.scaleSize,
        ...(opts.scaleRequests ? { requests: opts.scaleRequests } : {}),
        ...(opts.sseConnections ? { sseConnections: opts.sseConnections } : {}),
        ...(opts.sseSeconds ? { sseSeconds: opts.sseSeconds } : {}),
      },
      (line) => console.log(line),
    );
    for (const line of formatScaleSummary(scale)) console.log(line);
    if (opts.json) console.log(JSON.stringify(scale));
    return 0;
  }
  const result = await runBench(opts, (line) => console.log(line));
  for (const line of formatSummary(result)) console.log(line);
  if (opts.json) console.log(JSON.stringify(result));
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
