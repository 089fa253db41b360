import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitForPort } from '../../src/runtime/tcp-ports.js';
import { eventually } from './eventually.js';

/** A redis-server (or sentinel) this suite started, on its own port. */
export interface RedisProcess {
  port: number;
  /** SIGTERM, or SIGKILL for a crash; resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Several redis processes started together, and their temp folder removed with them. */
export interface RedisGroup {
  stop(): Promise<void>;
}

async function launch(args: string[], port: number): Promise<RedisProcess> {
  const proc: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  if (!(await waitForPort('127.0.0.1', port, 10_000))) {
    proc.kill('SIGKILL');
    throw new Error(`redis-server ${args.join(' ')} did not listen on ${port}`);
  }
  return {
    port,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await exited;
    },
  };
}

const plain = (port: number, dir: string, extra: string[] = []) =>
  launch(['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', ...extra], port);

/** Ask one server something, on a short-lived connection. */
export async function ask<T>(port: number, command: string, ...args: string[]): Promise<T> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    return (await r.call(command, ...args)) as T;
  } finally {
    r.disconnect();
  }
}

/**
 * A primary, optionally a replica of it, and one sentinel watching them as `name` (quorum 1, down after 1 s), so a killed
 * primary is failed over in seconds. Resolves once the sentinel knows the primary (and the replica, when there is one).
 */
export async function startSentinelGroup(opts: { name: string; replica?: boolean }): Promise<RedisGroup & { primary: RedisProcess; replica?: RedisProcess; sentinel: RedisProcess }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-sentinel-'));
  const primary = await plain(await freePort(), dir, ['--dbfilename', 'primary.rdb']);
  const started: RedisProcess[] = [primary];
  try {
    let replica: RedisProcess | undefined;
    if (opts.replica) {
      replica = await plain(await freePort(), dir, ['--dbfilename', 'replica.rdb', '--replicaof', '127.0.0.1', String(primary.port)]);
      started.push(replica);
      await eventually(async () => ((await ask<string>(replica!.port, 'INFO', 'replication')).includes('master_link_status:up') ? true : undefined), 'the replica in sync');
    }
    const sentinelPort = await freePort();
    const conf = path.join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${opts.name} 127.0.0.1 ${primary.port} 1`, `sentinel down-after-milliseconds ${opts.name} 1000`, `sentinel failover-timeout ${opts.name} 3000`, ''].join('\n'),
    );
    const sentinel = await launch([conf, '--sentinel'], sentinelPort);
    started.push(sentinel);
    if (replica) {
      await eventually(async () => ((await ask<unknown[]>(sentinelPort, 'SENTINEL', 'REPLICAS', opts.name)).length > 0 ? true : undefined), 'the sentinel to know the replica', 15_000, 100);
    } else {
      await eventually(async () => ((await ask<unknown>(sentinelPort, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', opts.name)) ? true : undefined), 'the sentinel to know the primary');
    }
    return { primary, replica, sentinel, stop: () => stopAll(started, dir) };
  } catch (error) {
    await stopAll(started, dir);
    throw error;
  }
}

/**
 * Three cluster-enabled masters joined by `redis-cli --cluster create` (no replicas). Resolves once every node says
 * cluster_state:ok.
 */
export async function startCluster(): Promise<RedisGroup & { ports: number[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-cluster-'));
  const started: RedisProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      // The bus port defaults to port + 10000, which may be taken or past 65535: name a free one (Redis 7).
      let busPort = await freePort();
      while (busPort === port) busPort = await freePort();
      started.push(
        await plain(port, dir, ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-port', String(busPort), '--dbfilename', `dump-${port}.rdb`]),
      );
    }
    const ports = started.map((s) => s.port);
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes'], { encoding: 'utf8', timeout: 30_000 });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) {
      await eventually(async () => ((await ask<string>(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok') ? true : undefined), `cluster_state:ok on ${port}`, 20_000, 100);
    }
    return { ports, stop: () => stopAll(started, dir) };
  } catch (error) {
    await stopAll(started, dir);
    throw error;
  }
}

async function stopAll(processes: RedisProcess[], dir: string): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
}
