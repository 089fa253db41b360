import { z } from 'zod';

/** The channels a patient can talk on. */
export const ChannelName = z.enum(['telegram', 'whatsapp', 'fake']);
export type ChannelName = z.infer<typeof ChannelName>;

export const MediaKind = z.enum(['sticker', 'photo', 'voice', 'audio', 'video', 'document', 'animation', 'other']);
export type MediaKind = z.infer<typeof MediaKind>;

/**
 * A patient's message, normalised by a channel adapter. This is also the inbound job payload, so it is a zod schema:
 * the queue parses it at the edge.
 */
export const InboundMessage = z.object({
  channel: ChannelName,
  /** Unique per channel (adapters prefix chat ids where the platform's ids are per chat); used for de-duplication. */
  channelMessageId: z.string().min(1).max(200),
  /** The chat the reply goes to: a Telegram chat id, a WhatsApp JID, a fake user id. */
  channelUserId: z.string().min(1).max(200),
  /** Epoch ms when the platform says it was sent. */
  sentAt: z.number(),
  /** The patient's display name if the platform gives one. */
  displayName: z.string().max(200).optional(),
  /** The patient's own phone in E.164 when the platform reveals it (WhatsApp phone JIDs, Telegram shared own contact). */
  phone: z.string().max(32).optional(),
  content: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('text'), text: z.string() }),
    /** Telegram `/start <code>` (deep link) or the first message of an outreach link. */
    z.object({ kind: z.literal('start'), code: z.string().max(64).optional() }),
    /** A button/list reply carrying the choice value the bot sent. */
    z.object({ kind: z.literal('choice'), value: z.string().max(200), label: z.string().max(500).optional() }),
    z.object({ kind: z.literal('contacts'), contacts: z.array(z.object({ name: z.string().max(200), phone: z.string().max(64) })).min(1) }),
    z.object({ kind: z.literal('media'), media: MediaKind, caption: z.string().optional() }),
    z.object({ kind: z.literal('location'), latitude: z.number(), longitude: z.number() }),
    /** An edit of an earlier message: recorded, not re-run through the flow. */
    z.object({ kind: z.literal('edited'), text: z.string(), originalId: z.string() }),
  ]),
});
export type InboundMessage = z.infer<typeof InboundMessage>;
export type InboundContent = InboundMessage['content'];

/** A reply to send. */
export interface OutboundMessage {
  /** `m<message id>` of the stored reply (see services/delivery.ts `outboundId`): the same on every retry, so adapters may use it for idempotency. */
  id: string;
  channelUserId: string;
  text: string;
  choices?: { value: string; label: string }[];
  /** Offer a "share my phone number" button where the channel has one. */
  requestPhone?: boolean;
}

/**
 * What happened to a send. Expected failures are values: the outbound worker turns them into retry, wait or escalation.
 * - `retry_after`: the platform asked us to slow down (Telegram 429).
 * - `permanent`: will never succeed (bot blocked, number not on the platform).
 * - `transient`: network or server trouble, retry with backoff.
 */
export type SendResult =
  | { ok: true; channelMessageIds: string[] }
  | { ok: false; kind: 'retry_after'; retryAfterMs: number; detail: string }
  | { ok: false; kind: 'permanent'; reason: 'blocked' | 'not_found' | 'forbidden'; detail: string }
  | { ok: false; kind: 'transient'; detail: string };

/** Receives normalised messages; an adapter awaits it before acknowledging the platform. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

/** One patient channel. Telegram, WhatsApp and the fake channel all pass `tests/channels/channel-contract.ts`. */
export interface Channel {
  readonly name: ChannelName;
  /** Start receiving; every message goes to `onMessage`. */
  start(onMessage: InboundHandler): Promise<void>;
  /** Stop receiving and release connections. */
  stop(): Promise<void>;
  /** Send one reply (adapters split texts longer than the platform allows). Never throws for platform answers. */
  send(message: OutboundMessage): Promise<SendResult>;
}
