/**
 * `npm run bench -- [--json] [--quick] [--patients N] [--seconds N] [--offered N] [--concurrency N] [--redis-url URL]`
 *
 * Simulated patients run the default interview through the real pipeline (fake channel, real Redis, real SQLite in WAL):
 * sustained msgs/s, latency at a fixed offered load, peak RSS, and a bare BullMQ echo on the same Redis as the ceiling.
 * With `--json` the last line is one JSON object (see BenchResult). Starts a private redis-server unless `--redis-url` or
 * REDIS_URL is given.
 */
import { pathToFileURL } from 'node:url';
import { BENCH_USAGE, formatSummary, parseBenchArgs, runBench } from '../bench/index.js';

async function main(argv: readonly string[]): Promise<number> {
  const opts = parseBenchArgs(argv, process.env);
  if ('problem' in opts) {
    console.error(`${opts.problem}\n${BENCH_USAGE}`);
    return 2;
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
