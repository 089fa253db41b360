import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { coalescingPublisher, createLiveBus } from '../../src/queue/live-bus.js';
import type { LiveEvent } from '../../src/domain/live-events.js';

function nextEvent(subscribe: (fn: (e: LiveEvent) => void) => () => void): Promise<LiveEvent> {
  return new Promise((resolve) => {
    const off = subscribe((e) => {
      off();
      resolve(e);
    });
  });
}

describe('live bus over Redis pub/sub', () => {
  it('carries an event published by one process (a worker) to another (a web server), and only within its prefix', async () => {
    const prefix = `live-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const worker = await createLiveBus({ redis: inject('redisUrl'), prefix });
    const web = await createLiveBus({ redis: inject('redisUrl'), prefix });
    const stranger = await createLiveBus({ redis: inject('redisUrl'), prefix: `${prefix}-other` });
    const strangerSaw: LiveEvent[] = [];
    stranger.subscribe((e) => strangerSaw.push(e));
    try {
      const got = nextEvent(web.subscribe);
      const event: LiveEvent = { type: 'message.created', conversationId: 7, messageId: 42, at: 1_700_000_000_000 };
      await worker.publish(event);
      expect(await got).toEqual(event);
      expect(strangerSaw).toEqual([]);
    } finally {
      await Promise.all([worker.close(), web.close(), stranger.close()]);
    }
  });

  it('delivers a turn\'s events published together, in order', async () => {
    const prefix = `live-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const worker = await createLiveBus({ redis: inject('redisUrl'), prefix });
    const web = await createLiveBus({ redis: inject('redisUrl'), prefix });
    const seen: LiveEvent[] = [];
    web.subscribe((e) => seen.push(e));
    try {
      const events: LiveEvent[] = [
        { type: 'message.created', conversationId: 7, messageId: 1, at: 1 },
        { type: 'message.created', conversationId: 7, messageId: 2, at: 1 },
        { type: 'conversation.updated', conversationId: 7, at: 1 },
      ];
      await worker.publishMany(events);
      for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual(events);
    } finally {
      await Promise.all([worker.close(), web.close()]);
    }
  });

  it('ignores a malformed message on the channel and keeps delivering good ones', async () => {
    const prefix = `live-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const invalid: unknown[] = [];
    const web = await createLiveBus({ redis: inject('redisUrl'), prefix, onInvalid: (e) => invalid.push(e) });
    const raw = new Redis(inject('redisUrl'));
    try {
      const got = nextEvent(web.subscribe);
      await raw.publish(`${prefix}:live`, '{"type":"nonsense"}');
      await raw.publish(`${prefix}:live`, JSON.stringify({ from: 'another-process', events: [{ type: 'escalation.created', conversationId: 1, escalationId: 2, at: 3 }] }));
      expect(await got).toMatchObject({ type: 'escalation.created', escalationId: 2 });
      expect(invalid).toHaveLength(1);
    } finally {
      await web.close();
      raw.disconnect();
    }
  });

  it('gives a process its own events once, straight away, and a publish-only process (a worker) no subscriber', async () => {
    const prefix = `live-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const worker = await createLiveBus({ redis: inject('redisUrl'), prefix, listen: false });
    const web = await createLiveBus({ redis: inject('redisUrl'), prefix });
    const raw = new Redis(inject('redisUrl'));
    const seen: LiveEvent[] = [];
    web.subscribe((e) => seen.push(e));
    const workerSaw: LiveEvent[] = [];
    worker.subscribe((e) => workerSaw.push(e));
    try {
      const own: LiveEvent = { type: 'conversation.updated', conversationId: 1, at: 1 };
      await web.publish(own);
      // Emitted before the publish resolved: no Redis round trip for the process's own events.
      expect(seen).toEqual([own]);
      const theirs: LiveEvent = { type: 'conversation.updated', conversationId: 2, at: 2 };
      await worker.publish(theirs);
      // Redis delivers in the order it received: an echo of `own` (published and acknowledged first) would arrive before
      // `theirs`, so once `theirs` is here the list is final.
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual([own, theirs]);
      expect(workerSaw).toEqual([]);
      const channels = (await raw.pubsub('NUMSUB', `${prefix}:live`)) as [string, number];
      expect(channels[1]).toBe(1);
    } finally {
      await Promise.all([worker.close(), web.close()]);
      raw.disconnect();
    }
  });

  it('sends what a process publishes in one tick as one message, in order', async () => {
    const prefix = `live-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const worker = await createLiveBus({ redis: inject('redisUrl'), prefix, listen: false });
    const web = await createLiveBus({ redis: inject('redisUrl'), prefix });
    const raw = new Redis(inject('redisUrl'));
    const messages: string[] = [];
    raw.on('message', (_ch: string, text: string) => messages.push(text));
    await raw.subscribe(`${prefix}:live`);
    const seen: LiveEvent[] = [];
    web.subscribe((e) => seen.push(e));
    try {
      const pub = coalescingPublisher(worker);
      const events: LiveEvent[] = [1, 2, 3].map((n) => ({ type: 'message.updated', conversationId: 9, messageId: n, at: n }));
      await Promise.all([pub.publish(events[0]!), pub.publishMany([events[1]!, events[2]!])]);
      for (let i = 0; i < 100 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toEqual(events);
      expect(messages).toHaveLength(1);
    } finally {
      await Promise.all([worker.close(), web.close()]);
      raw.disconnect();
    }
  });
});
