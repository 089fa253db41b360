import type { OutboundMessage } from '../channel.js';

/**
 * What the 24-hour rule needs to remember per chat: when the person last wrote, when we last sent the re-engagement template,
 * and the replies held back until they answer it. In memory for one process and tests; in Redis (below) when the process
 * receiving webhooks is not the one sending, or a restart must not forget held replies.
 */
export interface WindowStore {
  lastInboundAt(chatId: string): Promise<number | undefined>;
  noteInbound(chatId: string, at: number): Promise<void>;
  templateSentAt(chatId: string): Promise<number | undefined>;
  noteTemplate(chatId: string, at: number): Promise<void>;
  /** Append a reply to send once the window opens (kept in order). */
  hold(chatId: string, message: OutboundMessage): Promise<void>;
  /** Take (and forget) the held replies, oldest first; each is returned to one caller only. */
  takeHeld(chatId: string): Promise<OutboundMessage[]>;
  hasHeld(chatId: string): Promise<boolean>;
}

/** Meta's customer-service window. */
export const WINDOW_MS = 24 * 3600_000;
/** Held replies older than this are dropped (the conversation's reminders and escalations take over by then). */
const HELD_TTL_MS = 7 * 24 * 3600_000;
const LIMIT = 50_000;

/** One process's memory (bounded: the oldest chats are forgotten first). */
export class MemoryWindowStore implements WindowStore {
  private readonly inbound = new Map<string, number>();
  private readonly templates = new Map<string, number>();
  private readonly held = new Map<string, OutboundMessage[]>();

  async lastInboundAt(chatId: string): Promise<number | undefined> {
    return this.inbound.get(chatId);
  }
  async noteInbound(chatId: string, at: number): Promise<void> {
    remember(this.inbound, chatId, Math.max(at, this.inbound.get(chatId) ?? 0));
  }
  async templateSentAt(chatId: string): Promise<number | undefined> {
    return this.templates.get(chatId);
  }
  async noteTemplate(chatId: string, at: number): Promise<void> {
    remember(this.templates, chatId, at);
  }
  async hold(chatId: string, message: OutboundMessage): Promise<void> {
    const list = this.held.get(chatId) ?? [];
    if (!list.some((m) => m.id === message.id)) list.push(message);
    remember(this.held, chatId, list);
  }
  async takeHeld(chatId: string): Promise<OutboundMessage[]> {
    const list = this.held.get(chatId) ?? [];
    this.held.delete(chatId);
    return list;
  }
  async hasHeld(chatId: string): Promise<boolean> {
    return (this.held.get(chatId)?.length ?? 0) > 0;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > LIMIT) map.delete(map.keys().next().value!);
}

/** The slice of an ioredis client the Redis store uses. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ms: number): Promise<unknown>;
  rpush(key: string, ...values: string[]): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  exists(...keys: string[]): Promise<number>;
  multi(): RedisPipelineLike;
}

/** A MULTI block: commands chain, `exec` runs them atomically. */
export interface RedisPipelineLike {
  lrange(key: string, start: number, stop: number): RedisPipelineLike;
  del(key: string): RedisPipelineLike;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** The store in Redis, under `<prefix>wacloud:…`; keys expire on their own. */
export class RedisWindowStore implements WindowStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix: string,
  ) {}

  private key(kind: string, chatId: string): string {
    return `${this.prefix}wacloud:${kind}:${chatId}`;
  }
  private async num(key: string): Promise<number | undefined> {
    const v = await this.redis.get(key);
    return v === null ? undefined : Number(v);
  }
  async lastInboundAt(chatId: string): Promise<number | undefined> {
    return this.num(this.key('in', chatId));
  }
  async noteInbound(chatId: string, at: number): Promise<void> {
    const before = (await this.lastInboundAt(chatId)) ?? 0;
    if (at > before) await this.redis.set(this.key('in', chatId), String(at), 'PX', WINDOW_MS * 2);
  }
  async templateSentAt(chatId: string): Promise<number | undefined> {
    return this.num(this.key('tpl', chatId));
  }
  async noteTemplate(chatId: string, at: number): Promise<void> {
    await this.redis.set(this.key('tpl', chatId), String(at), 'PX', WINDOW_MS);
  }
  async hold(chatId: string, message: OutboundMessage): Promise<void> {
    const k = this.key('held', chatId);
    const held = await this.peek(k);
    if (held.some((m) => m.id === message.id)) return; // a retried send job
    await this.redis.rpush(k, JSON.stringify(message));
    await this.redis.pexpire(k, HELD_TTL_MS);
  }
  async takeHeld(chatId: string): Promise<OutboundMessage[]> {
    const r = await this.redis.multi().lrange(this.key('held', chatId), 0, -1).del(this.key('held', chatId)).exec();
    const list = (r?.[0]?.[1] as string[] | undefined) ?? [];
    return list.map((s) => JSON.parse(s) as OutboundMessage);
  }
  async hasHeld(chatId: string): Promise<boolean> {
    return (await this.redis.exists(this.key('held', chatId))) > 0;
  }
  private async peek(k: string): Promise<OutboundMessage[]> {
    const r = await this.redis.multi().lrange(k, 0, -1).exec();
    return ((r?.[0]?.[1] as string[] | undefined) ?? []).map((s) => JSON.parse(s) as OutboundMessage);
  }
}
