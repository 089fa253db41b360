import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { RedisTarget } from '../config/index.js';
import type { LiveBus, LiveEvent, LivePublisher } from '../domain/live-events.js';
import { redisConnection } from './connection.js';

const LiveEventSchema = z.object({
  type: z.enum(['message.created', 'message.updated', 'escalation.created', 'escalation.updated', 'conversation.updated']),
  conversationId: z.number().int(),
  escalationId: z.number().int().optional(),
  messageId: z.number().int().optional(),
  at: z.number(),
});

function fanOut(): { emitter: EventEmitter; subscribe: LiveBus['subscribe'] } {
  const emitter = new EventEmitter();
  // One listener per open browser stream: hundreds are normal here.
  emitter.setMaxListeners(0);
  return {
    emitter,
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
  };
}

export interface LiveBusOptions {
  /** Where Redis is: a URL, or the Sentinel/Cluster topology (see redisConnection). */
  redis: RedisTarget;
  /** Key prefix of the deployment (REDIS_PREFIX): the channel is `<prefix>:live`. */
  prefix: string;
  /** Called when a message on the channel is not a valid event (a bug elsewhere); defaults to ignoring it. */
  onInvalid?: (error: unknown) => void;
  /** Redis connection trouble (both connections reconnect by themselves); defaults to ignoring it. */
  onError?: (error: unknown) => void;
  /**
   * Whether this process listens (the web role, which feeds browsers). Default true. A worker or channels process only
   * publishes: it keeps no subscriber connection and parses nobody's events.
   */
  listen?: boolean;
}

/** What goes over the channel: the sender's id, so a process does not handle its own events twice. */
const Envelope = z.object({ from: z.string(), events: z.array(z.unknown()) });

/** A live bus over Redis pub/sub with its own publisher and a dedicated subscriber connection. Resolves once subscribed. */
export async function createLiveBus(opts: LiveBusOptions): Promise<LiveBus> {
  const channel = `${opts.prefix}:live`;
  const pub = redisConnection(opts.redis, { maxRetriesPerRequest: 3 });
  const listen = opts.listen ?? true;
  const sub = listen ? redisConnection(opts.redis, { maxRetriesPerRequest: null }) : undefined;
  // Without listeners ioredis prints connection errors (Redis restarting) to the console; both reconnect by themselves.
  for (const conn of [pub, sub]) conn?.on('error', (err: unknown) => opts.onError?.(err));
  const { emitter, subscribe } = fanOut();
  const self = randomUUID();
  if (sub) {
    sub.on('message', (ch: string, text: string) => {
      if (ch !== channel) return;
      try {
        const envelope = Envelope.parse(JSON.parse(text));
        if (envelope.from === self) return;
        for (const e of envelope.events) emitter.emit('event', LiveEventSchema.parse(e));
      } catch (err) {
        opts.onInvalid?.(err);
      }
    });
    await sub.subscribe(channel);
  }
  const send = async (events: LiveEvent[]) => {
    // This process's own listeners get the events as they are, without the Redis round trip and its parse.
    if (listen) for (const e of events) emitter.emit('event', e);
    await pub.publish(channel, JSON.stringify({ from: self, events }));
  };
  return {
    async publish(event) {
      await send([event]);
    },
    async publishMany(events) {
      if (events.length) await send(events);
    },
    subscribe,
    async close() {
      emitter.removeAllListeners();
      await Promise.allSettled([sub?.quit(), pub.quit()]);
    },
  };
}

/** A live bus inside one process (tests, single-process demos without Redis). */
export function createMemoryLiveBus(): LiveBus {
  const { emitter, subscribe } = fanOut();
  return {
    async publish(event) {
      emitter.emit('event', LiveEventSchema.parse(event));
    },
    async publishMany(events) {
      for (const event of events) emitter.emit('event', LiveEventSchema.parse(event));
    },
    subscribe,
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * A publisher that sends what is published in the same tick of the event loop as one message: the many small publishes
 * of a busy process (a batch of turns, each delivered reply) become one PUBLISH. Order is kept.
 */
export function coalescingPublisher(live: LivePublisher): LivePublisher {
  let buffered: LiveEvent[] = [];
  let flushing: Promise<void> | undefined;
  const publishMany = (events: LiveEvent[]): Promise<void> => {
    if (!events.length) return Promise.resolve();
    buffered.push(...events);
    flushing ??= new Promise<void>((resolve, reject) =>
      setImmediate(() => {
        const batch = buffered;
        buffered = [];
        flushing = undefined;
        live.publishMany(batch).then(resolve, reject);
      }),
    );
    return flushing;
  };
  return { publish: (event) => publishMany([event]), publishMany };
}
