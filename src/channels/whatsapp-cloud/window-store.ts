import type { OutboundMessage } from '../../domain/channel.js';
import type { Coordination } from '../../domain/coordination.js';

/**
 * What the 24-hour rule needs to remember per chat: when the person last wrote, when we last sent the re-engagement template,
 * and the replies held back until they answer it. In memory for tests; on the shared Coordination port (below) in a running
 * system, so a restart does not forget held replies.
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

/**
 * The store on the shared Coordination port (Redis in production), under `wacloud:…` names; values expire on their own.
 * Held replies are one JSON list per chat: taking them is a read then a delete, made safe by the adapter sending one chat's
 * messages in sequence (webhooks and sends of the Cloud channel run in one process, see README).
 */
export class SharedWindowStore implements WindowStore {
  constructor(private readonly coordination: Coordination) {}

  private value(kind: string, chatId: string) {
    return this.coordination.value(`wacloud:${kind}:${chatId}`);
  }
  private async num(kind: string, chatId: string): Promise<number | undefined> {
    const v = await this.value(kind, chatId).get();
    return v === null ? undefined : Number(v);
  }
  async lastInboundAt(chatId: string): Promise<number | undefined> {
    return this.num('in', chatId);
  }
  async noteInbound(chatId: string, at: number): Promise<void> {
    if (at > ((await this.lastInboundAt(chatId)) ?? 0)) await this.value('in', chatId).set(String(at), WINDOW_MS * 2);
  }
  async templateSentAt(chatId: string): Promise<number | undefined> {
    return this.num('tpl', chatId);
  }
  async noteTemplate(chatId: string, at: number): Promise<void> {
    await this.value('tpl', chatId).set(String(at), WINDOW_MS);
  }
  async hold(chatId: string, message: OutboundMessage): Promise<void> {
    const held = await this.peek(chatId);
    if (held.some((m) => m.id === message.id)) return; // a retried send job
    await this.value('held', chatId).set(JSON.stringify([...held, message]), HELD_TTL_MS);
  }
  async takeHeld(chatId: string): Promise<OutboundMessage[]> {
    const held = await this.peek(chatId);
    if (held.length) await this.value('held', chatId).delete();
    return held;
  }
  async hasHeld(chatId: string): Promise<boolean> {
    return (await this.peek(chatId)).length > 0;
  }
  private async peek(chatId: string): Promise<OutboundMessage[]> {
    const raw = await this.value('held', chatId).get();
    return raw ? (JSON.parse(raw) as OutboundMessage[]) : [];
  }
}
