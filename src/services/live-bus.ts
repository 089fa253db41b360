import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import { z } from 'zod';
import type { LiveEvent, LivePublisher } from './ports.js';

/** Live events between processes: workers publish after each commit, every web process hears them and streams them to browsers. */
export interface LiveBus extends LivePublisher {
  /** Listen to every event (from any process); returns the function that stops listening. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

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
  redisUrl: string;
  /** Key prefix of the deployment (REDIS_PREFIX): the channel is `<prefix>:live`. */
  prefix: string;
  /** Called when a message on the channel is not a valid event (a bug elsewhere); defaults to ignoring it. */
  onInvalid?: (error: unknown) => void;
}

/** A live bus over Redis pub/sub with its own publisher and a dedicated subscriber connection. Resolves once subscribed. */
export async function createLiveBus(opts: LiveBusOptions): Promise<LiveBus> {
  const channel = `${opts.prefix}:live`;
  const pub = new Redis(opts.redisUrl, { maxRetriesPerRequest: 3 });
  const sub = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  const { emitter, subscribe } = fanOut();
  sub.on('message', (ch: string, text: string) => {
    if (ch !== channel) return;
    try {
      emitter.emit('event', LiveEventSchema.parse(JSON.parse(text)));
    } catch (err) {
      opts.onInvalid?.(err);
    }
  });
  await sub.subscribe(channel);
  return {
    async publish(event) {
      await pub.publish(channel, JSON.stringify(event));
    },
    subscribe,
    async close() {
      emitter.removeAllListeners();
      await Promise.allSettled([sub.quit(), pub.quit()]);
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
    subscribe,
    async close() {
      emitter.removeAllListeners();
    },
  };
}
