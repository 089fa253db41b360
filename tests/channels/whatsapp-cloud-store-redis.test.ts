import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { OutboundMessage } from '../../src/domain/channel.js';
import { SharedWindowStore } from '../../src/channels/whatsapp-cloud/index.js';
import { createRedisCoordination } from '../../src/queue/index.js';
import { uniquePrefix } from '../support/system.js';

const CHAT = '6281300000009@s.whatsapp.net';
const reply = (id: string): OutboundMessage => ({ id, channelUserId: CHAT, text: `teks ${id}`, choices: [{ value: 'y', label: 'Ya' }] });

describe('the 24-hour window store in Redis (shared by every process, kept across restarts)', () => {
  let redis: Redis;
  let store: SharedWindowStore;
  const prefix = `${uniquePrefix('wacloud')}:`;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    store = new SharedWindowStore(createRedisCoordination(redis, prefix));
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('keeps the latest inbound time, and the template time', async () => {
    expect(await store.lastInboundAt(CHAT)).toBeUndefined();
    await store.noteInbound(CHAT, 2000);
    await store.noteInbound(CHAT, 1000); // a late redelivery of an older message
    expect(await store.lastInboundAt(CHAT)).toBe(2000);
    await store.noteTemplate(CHAT, 3000);
    expect(await store.templateSentAt(CHAT)).toBe(3000);
  });

  it('holds replies in order, once each (a retried send job), and forgets them once taken', async () => {
    for (const id of ['m1', 'm2', 'm1', 'm3']) await store.hold(CHAT, reply(id));
    expect(await store.hasHeld(CHAT)).toBe(true);
    const taken = await store.takeHeld(CHAT);
    expect(taken.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(taken[0]).toEqual(reply('m1'));
    expect(await store.takeHeld(CHAT)).toEqual([]);
    expect(await store.hasHeld(CHAT)).toBe(false);
  });

  it('lets its keys expire on their own', async () => {
    await store.hold(CHAT, reply('m9'));
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(await redis.pttl(k)).toBeGreaterThan(0);
    await store.takeHeld(CHAT);
  });
});
