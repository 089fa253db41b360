import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { RedisTarget, RedisTopology } from '../config/index.js';
import { portAnswers, waitForPort } from './tcp-ports.js';

/** Where Redis is, and how to stop it if we started it. */
export interface RedisHandle {
  /** A single server's URL (given, found or started), or the Sentinel/Cluster topology from the config. */
  target: RedisTarget;
  /** Stops the private redis-server we started (no-op for an external one). */
  stop(): Promise<void>;
  started: boolean;
}

/** Redis is unreachable and we cannot start one: the message says what to install or set. */
export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * Use the Sentinel or Cluster topology when configured, or REDIS_URL when set (those are waited for by whoever connects,
 * see waitForRedis); else 127.0.0.1:6379 if something answers there; else start a private `redis-server` with its data
 * under `<dataDir>/redis` (append-only, noeviction) and stop it on exit; else explain what to install.
 */
export async function ensureRedis(opts: { url?: string; topology?: RedisTopology; dataDir: string; logger: Logger; port?: number }): Promise<RedisHandle> {
  const given = opts.topology ?? opts.url;
  if (given) return { target: given, stop: async () => {}, started: false };
  if (await portAnswers('127.0.0.1', 6379)) return { target: 'redis://127.0.0.1:6379', stop: async () => {}, started: false };
  const which = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  if (which.error || which.status !== 0) {
    throw new RedisUnavailableError(
      'No Redis answers on 127.0.0.1:6379 and redis-server is not installed. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
    );
  }
  const dir = path.join(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? 6380;
  if (await portAnswers('127.0.0.1', port)) {
    // A private redis from an earlier run that was not stopped: reuse it rather than fight for the port.
    return { target: `redis://127.0.0.1:${port}`, stop: async () => {}, started: false };
  }
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  if (!(await waitForPort('127.0.0.1', port, 10_000))) {
    child.kill('SIGKILL');
    throw new RedisUnavailableError(`Started redis-server on port ${port} but it did not answer; see ${dir}.`);
  }
  opts.logger.info({ port }, 'started a private redis-server under the data folder');
  return {
    target: `redis://127.0.0.1:${port}`,
    started: true,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A Redis URL fit for a log line or an error message: the password is left out. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'an unparseable REDIS_URL';
  }
}

/** Where Redis is, for a log line or an error message (no password), and the settings to fix when it does not answer. */
export function describeRedisTarget(target: RedisTarget): { where: string; settings: string } {
  if (typeof target === 'string') return { where: redactRedisUrl(target), settings: 'REDIS_URL' };
  if (target.kind === 'sentinel') {
    return { where: `the primary '${target.name}' of the sentinels ${nodeList(target.sentinels)}`, settings: 'REDIS_SENTINELS and REDIS_SENTINEL_NAME' };
  }
  return { where: `the cluster of ${nodeList(target.nodes)}`, settings: 'REDIS_CLUSTER_NODES' };
}

const nodeList = (nodes: { host: string; port: number }[]) => nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');

/**
 * Wait until Redis answers a PING, at most `timeoutMs`; then throw a RedisUnavailableError naming where it was looked for
 * (never a password). Only start-up waits like this: a running system keeps reconnecting, and /readyz shows Redis as down
 * meanwhile. Under Sentinel the PING waits for a sentinel to name a reachable primary; under Cluster, for the slots.
 */
export async function waitForRedis(redis: { ping(): Promise<unknown> }, target: RedisTarget, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const r = await Promise.race([redis.ping().then(() => 'ok' as const), gaveUp]);
    if (r === 'timeout') {
      const { where, settings } = describeRedisTarget(target);
      throw new RedisUnavailableError(`Redis at ${where} did not answer within ${Math.round(timeoutMs / 1000)} s. Start it, or fix ${settings}.`);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** BullMQ loses jobs when Redis evicts keys: warn unless maxmemory-policy is noeviction. */
export async function checkEvictionPolicy(redis: { config(op: 'GET', key: string): Promise<unknown> }, logger: Logger): Promise<void> {
  try {
    const r = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = r[1];
    if (policy && policy !== 'noeviction') {
      logger.warn({ policy }, "Redis maxmemory-policy is not 'noeviction': queued jobs can be lost under memory pressure; set maxmemory-policy noeviction");
    }
  } catch {
    logger.warn('could not read Redis maxmemory-policy (CONFIG may be disabled); make sure it is noeviction');
  }
}
