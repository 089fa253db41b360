import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/runtime/tcp-ports.js';
import { startRedis, type TestRedis } from '../support/redis-server.js';
import { eventually, repoRoot, startTestSystem, uniquePrefix } from '../support/system.js';

/** Run `npm start`'s entry point on `env` until it exits (bounded); its exit code, output and how long it ran. */
async function runMain(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr, ms: Date.now() - started };
}

describe('starting tracebot when something is wrong (issue 12)', () => {
  let redis: TestRedis | undefined;
  let sys: Awaited<ReturnType<typeof startTestSystem>> | undefined;
  afterEach(async () => {
    await sys?.stop();
    await redis?.stop();
    sys = undefined;
    redis = undefined;
  });

  it('names the Redis URL that does not answer (never its password) and exits non-zero after a bounded wait', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-start-'));
    const r = await runMain({ REDIS_URL: `redis://:s3cretpw@127.0.0.1:${port}/0`, REDIS_WAIT_SECONDS: '2', HTTP_PORT: '0', DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`redis://127.0.0.1:${port}/0`);
    expect(r.stderr).not.toContain('s3cretpw');
    expect(r.stdout).not.toContain('tracebot is running');
    console.info(`startup: an unanswering Redis (REDIS_WAIT_SECONDS=2) ended npm start after ${r.ms} ms`);
  }, 90_000);

  it('on a busy port says so and exits before it starts any worker or channel', async () => {
    const busy = net.createServer();
    const port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as net.AddressInfo).port)));
    const prefix = uniquePrefix('busy');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-start-'));
    try {
      const r = await runMain({ REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), DATA_DIR: dataDir });
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toContain(`port ${port} is in use: is tracebot already running?`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // Nothing started: no queue, mailbox or lease key under its prefix, and no database opened.
      const check = new Redis(inject('redisUrl'));
      try {
        expect(await check.keys(`${prefix}*`)).toEqual([]);
      } finally {
        check.disconnect();
      }
      expect(existsSync(path.join(dataDir, 'tracebot.db'))).toBe(false);
    } finally {
      busy.close();
    }
  }, 90_000);

  it('turns /readyz red while Redis is away and green again once it is back, without a restart', async () => {
    redis = await startRedis({ persist: false });
    sys = await startTestSystem(redis.url, { ROLES: 'web,worker' });
    const ready = async () => (await fetch(`${sys!.address}/readyz`)).status;
    expect(await ready()).toBe(200);
    await redis.stop('SIGKILL');
    const down = await fetch(`${sys.address}/readyz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { checks: Record<string, string> }).checks).toEqual({ sqlite: 'ok', redis: 'down' });
    await redis.restart();
    const back = Date.now();
    await eventually(async () => ((await ready()) === 200 ? true : undefined), '/readyz green again', 30_000);
    console.info(`startup: /readyz green ${Date.now() - back} ms after Redis came back`);
  }, 90_000);
});
