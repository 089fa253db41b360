import { afterEach, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import type { LinkState } from '../../src/channels/whatsapp/index.js';
import { freePort } from '../../src/runtime/tcp-ports.js';
import { createTestWhatsApp, type TestWhatsApp } from '../support/fake-wa-socket.js';

const redisUrl = inject('redisUrl');

describe('whatsapp channel on the real baileys socket (offline)', () => {
  let t: TestWhatsApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('connects through makeWASocket, sees the close of an unreachable server and retries with backoff', async () => {
    const port = await freePort();
    t = createTestWhatsApp(redisUrl, {
      // No socketFactory: the production baileys factory, pointed at a local port where nothing listens.
      socketFactory: undefined,
      waWebSocketUrl: `ws://127.0.0.1:${port}/ws/chat`,
      logger: pino({ level: 'silent' }),
      reconnect: { initialMs: 20, maxMs: 100 },
    });
    const seen: LinkState['status'][] = [];
    t.channel.on('link', (s) => seen.push(s.status));
    await t.channel.start(async () => {});
    const end = Date.now() + 10_000;
    while (seen.filter((s) => s === 'disconnected').length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(seen.slice(0, 4)).toEqual(['connecting', 'disconnected', 'connecting', 'disconnected']);
    expect(await t.channel.send({ id: 'o', channelUserId: '6281200000001@s.whatsapp.net', text: 'x' })).toMatchObject({
      ok: false,
      kind: 'transient',
    });
  });
});
