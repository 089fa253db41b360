import type { InboundContent, InboundMessage } from '../../domain/channel.js';
import { chatIdForWaId } from './ids.js';
import { CloudMessage, CloudStatus, type CloudChangeValue, type CloudContactCard } from './webhook-schema.js';

/** The quick-reply payload our approved template's first button carries: "yes, continue the conversation". */
export const CONTINUE_PAYLOAD = 'tracebot:continue';

/** What the adapter does with one entry of a webhook's `messages` array. */
export type InboundOutcome =
  | { kind: 'message'; message: InboundMessage; waId: string; /** The tap on our template's continue button. */ continueTap: boolean }
  /** `no_phone`: a username-only sender (business-scoped user id) or none; we can neither answer nor link them yet. */
  | { kind: 'ignored'; reason: 'group' | 'reaction' | 'unsupported' | 'system' | 'no_phone' | 'unknown_type' | 'malformed' | 'empty'; type?: string; id?: string };

/** A delivery receipt for one of our sends, as the adapter reports it. */
export interface DeliveryStatusEvent {
  /** The wamid `send` returned (or a held message's wamid once it went out). */
  channelMessageId: string;
  channelUserId?: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Epoch ms Meta gives for the change. */
  at: number;
  /** Our outbox id when this process sent it recently. */
  outboxId?: string;
  /** Present on `failed`: Meta's code and title. */
  error?: { code: number; title: string };
  /** Set on a failure that means the person cannot be reached on WhatsApp (131026): mark them unreachable, create the call task. */
  unreachable?: true;
  /** A held reply went out now: `channelMessageId` is the id its receipts will carry (it replaces the template's). */
  released?: true;
}

/** Shared contacts: the card's phone in E.164 (its WhatsApp id, or a number written with `+`/`00`); others as written. */
export function contactsOf(cards: CloudContactCard[]): { name: string; phone: string }[] {
  const out: { name: string; phone: string }[] = [];
  for (const card of cards) {
    const n = card.name;
    const name = (n?.formatted_name?.trim() || [n?.first_name, n?.last_name].filter(Boolean).join(' ').trim()).slice(0, 200);
    const phones = card.phones ?? [];
    const best = phones.find((p) => p.wa_id) ?? phones.find((p) => p.phone);
    const phone = best ? e164Of(best) : undefined;
    if (phone) out.push({ name: name || phone, phone });
  }
  return out;
}

function e164Of(p: { phone?: string | undefined; wa_id?: string | undefined }): string | undefined {
  if (p.wa_id && /^\d{7,15}$/.test(p.wa_id)) return `+${p.wa_id}`;
  const raw = p.phone?.trim();
  if (!raw) return undefined;
  const digits = raw.replace(/[^\d]/g, '');
  if (raw.startsWith('+') && digits.length >= 7 && digits.length <= 15) return `+${digits}`;
  if (raw.startsWith('00') && digits.length >= 9) return `+${digits.slice(2)}`;
  // No country code: leave it for the flow's phone parser, which knows the deployment's default country.
  return raw.slice(0, 64);
}

function contentOf(m: CloudMessage): InboundContent | 'ignore' | undefined {
  switch (m.type) {
    case 'text':
      return m.text && m.text.body.trim() ? { kind: 'text', text: m.text.body } : undefined;
    case 'interactive': {
      const r = m.interactive?.button_reply ?? m.interactive?.list_reply;
      if (!r) return 'ignore'; // e.g. a WhatsApp Flow reply (nfm_reply): we never send flows
      return { kind: 'choice', value: r.id.slice(0, 200), ...(r.title ? { label: r.title.slice(0, 500) } : {}) };
    }
    case 'button': {
      const b = m.button;
      const value = b?.payload || b?.text;
      if (!value) return undefined;
      return { kind: 'choice', value: value.slice(0, 200), ...(b?.text ? { label: b.text.slice(0, 500) } : {}) };
    }
    case 'contacts': {
      const contacts = contactsOf(m.contacts ?? []);
      return contacts.length ? { kind: 'contacts', contacts } : { kind: 'media', media: 'other' };
    }
    case 'location':
      return m.location ? { kind: 'location', latitude: m.location.latitude, longitude: m.location.longitude } : undefined;
    case 'image':
      return media('photo', m.image?.caption);
    case 'video':
      return media('video', m.video?.caption);
    case 'document':
      return media('document', m.document?.caption);
    case 'audio':
      return media(m.audio?.voice ? 'voice' : 'audio');
    case 'sticker':
      return media('sticker');
    default:
      return 'ignore';
  }
}

function media(kind: 'photo' | 'video' | 'document' | 'voice' | 'audio' | 'sticker', caption?: string): InboundContent {
  return { kind: 'media', media: kind, ...(caption ? { caption } : {}) };
}

const IGNORED_TYPES: Record<string, 'reaction' | 'unsupported' | 'system'> = { reaction: 'reaction', unsupported: 'unsupported', system: 'system' };

/**
 * Normalise one raw entry of `value.messages`. Reactions, `unsupported` and `system` notices (number changes), group messages,
 * senders without a phone-number id and types we do not read are ignored; media becomes `media` so the flow asks to type.
 */
export function normaliseMessage(raw: unknown, value: CloudChangeValue, receivedAt: number): InboundOutcome {
  const parsed = CloudMessage.safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: 'malformed' };
  const m = parsed.data;
  if (m.group_id) return { kind: 'ignored', reason: 'group', type: m.type, id: m.id };
  const fixed = IGNORED_TYPES[m.type];
  if (fixed) return { kind: 'ignored', reason: fixed, type: m.type, id: m.id };
  if (!m.from || !/^[1-9]\d{6,14}$/.test(m.from)) return { kind: 'ignored', reason: 'no_phone', type: m.type, id: m.id };
  const content = contentOf(m);
  if (content === 'ignore') return { kind: 'ignored', reason: 'unknown_type', type: m.type, id: m.id };
  if (!content) return { kind: 'ignored', reason: 'empty', type: m.type, id: m.id };
  const profile = value.contacts?.find((c) => c.wa_id === m.from)?.profile?.name?.trim();
  const message: InboundMessage = {
    channel: 'whatsapp',
    // wamids are unique across WhatsApp: Meta's redelivery of a message carries the same one, so the pipeline drops it.
    channelMessageId: m.id,
    channelUserId: chatIdForWaId(m.from),
    sentAt: m.timestamp > 0 ? m.timestamp * 1000 : receivedAt,
    ...(profile ? { displayName: profile.slice(0, 200) } : {}),
    phone: `+${m.from}`,
    content,
  };
  const continueTap = m.type === 'button' && m.button?.payload === CONTINUE_PAYLOAD;
  return { kind: 'message', message, waId: m.from, continueTap };
}

const STATUS = new Set(['sent', 'delivered', 'read', 'failed']);

/** Normalise one raw entry of `value.statuses`, or undefined for shapes and states we do not report (e.g. `deleted`). */
export function normaliseStatus(raw: unknown): DeliveryStatusEvent | undefined {
  const parsed = CloudStatus.safeParse(raw);
  if (!parsed.success || !STATUS.has(parsed.data.status)) return undefined;
  const s = parsed.data;
  const first = s.errors?.[0];
  return {
    channelMessageId: s.id,
    ...(s.recipient_id && /^\d{7,15}$/.test(s.recipient_id) ? { channelUserId: chatIdForWaId(s.recipient_id) } : {}),
    status: s.status as DeliveryStatusEvent['status'],
    at: s.timestamp * 1000,
    ...(s.status === 'failed' ? { error: { code: first?.code ?? 0, title: (first?.title ?? first?.message ?? 'failed').slice(0, 200) } } : {}),
  };
}
