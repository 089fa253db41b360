import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RedisLease } from '../../src/queue/index.js';
import { openDb } from '../../src/db/index.js';
import { createTestWhatsApp, FakeWaNetwork, type TestWhatsApp } from '../support/fake-wa-socket.js';
import { until } from '../support/eventually.js';

const redisUrl = inject('redisUrl');

const waitFor = (probe: () => boolean, what: string, timeoutMs = 5000) => until(probe, what, timeoutMs);

describe('whatsapp socket lease (redis)', () => {
  const open: TestWhatsApp[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  /** Two processes on the same session: separate Redis connections, a shared database and WhatsApp account. */
  function twoProcesses(ttlMs: number) {
    const prefix = `test:${randomUUID()}:`;
    const db = openDb(':memory:');
    const net = new FakeWaNetwork();
    const make = () => {
      const t = createTestWhatsApp(redisUrl, { prefix, db, net, lock: { ttlMs, retryMs: 40 } });
      open.push(t);
      return t;
    };
    return { a: make(), b: make(), net, prefix };
  }

  it('lets exactly one process connect, and hands over when it stops', async () => {
    const { a, b, net } = twoProcesses(2_000);
    await a.channel.start(async () => {});
    await b.channel.start(async () => {});
    await new Promise((r) => setTimeout(r, 200));
    expect(net.sockets).toHaveLength(1);
    expect(a.channel.isHolder()).toBe(true);
    expect(b.channel.isHolder()).toBe(false);
    expect(await b.channel.send({ id: 'o1', channelUserId: '6281200000001@s.whatsapp.net', text: 'x' })).toEqual({
      ok: false,
      kind: 'transient',
      detail: 'not the socket holder',
    });
    // The non-holder shows the holder's link state (for the web page), read from Redis.
    await waitFor(() => b.channel.linkState().status === 'open', 'mirrored link state');

    await a.channel.stop();
    expect(net.sockets[0]!.ended).toBe(true);
    await waitFor(() => b.channel.isHolder() && net.sockets.length === 2, 'takeover');
    await waitFor(() => b.channel.linkState().status === 'open', 'second socket open');
    expect(await b.channel.send({ id: 'o2', channelUserId: '6281200000001@s.whatsapp.net', text: 'x' })).toMatchObject({ ok: true });
  });

  it('takes over from a holder that died without releasing, once its lease expires', async () => {
    const { a, b, net } = twoProcesses(400);
    await a.channel.start(async () => {});
    await b.channel.start(async () => {});
    expect(a.channel.isHolder()).toBe(true);
    const died = Date.now();
    // "Death": A can no longer reach Redis, so it neither renews nor releases.
    a.redis.disconnect();
    await waitFor(() => b.channel.isHolder(), 'takeover', 3_000);
    const tookOver = Date.now();
    expect(tookOver - died).toBeGreaterThanOrEqual(150);
    // A noticed it could not renew and closed its socket before B's socket exists: never two at once.
    expect(a.channel.isHolder()).toBe(false);
    expect(net.sockets[0]!.ended).toBe(true);
    await waitFor(() => net.sockets.length === 2, 'second socket');
  });

  it('the socket lease: only the token holder renews or releases', async () => {
    const r1 = new Redis(redisUrl);
    const r2 = new Redis(redisUrl);
    try {
      const key = `test:${randomUUID()}:lock`;
      const one = new RedisLease(r1, key, 1_000);
      const two = new RedisLease(r2, key, 1_000);
      expect(await one.acquire()).toBe(true);
      expect(await two.acquire()).toBe(false);
      expect(await two.renew()).toBe(false);
      await two.release();
      expect(await r1.get(key)).toBe(one.token);
      expect(await one.renew()).toBe(true);
      expect(await r1.pttl(key)).toBeGreaterThan(900);
      await one.release();
      expect(await two.acquire()).toBe(true);
    } finally {
      await r1.quit();
      await r2.quit();
    }
  });
});
