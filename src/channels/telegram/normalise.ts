import type { InboundContent, InboundMessage, MediaKind } from '../../domain/channel.js';
import type { TgMessage, TgUpdate } from './update-schema.js';
import { updateType } from './update-schema.js';

/** What the adapter does with one update. */
export type Normalised =
  | {
      kind: 'message';
      message: InboundMessage;
      /** Set for a button press: the adapter must answer it whatever happens next. */
      callbackQueryId?: string;
    }
  | {
      kind: 'ignored';
      /** Why, for the log: the update type and chat type, never content. */
      reason: 'not_private' | 'unsupported_update' | 'edit_without_text' | 'no_chat';
      updateType: string;
      chatType?: string;
      chatId?: number;
      callbackQueryId?: string;
    };

/** The `/start` deep-link payload format Telegram allows (and we issue). */
export const START_CODE = /^[A-Za-z0-9_-]{1,64}$/;
const START = /^\/start(?:@\w+)?(?:\s+([\s\S]*))?$/;

// Telegram sends a GIF as both `animation` and `document`: animation must be tested first.
// A round video note has no MediaKind of its own: it is a video to the flow.
const MEDIA_FIELDS: readonly [keyof TgMessage, MediaKind][] = [
  ['sticker', 'sticker'],
  ['photo', 'photo'],
  ['voice', 'voice'],
  ['audio', 'audio'],
  ['video_note', 'video'],
  ['video', 'video'],
  ['animation', 'animation'],
  ['document', 'document'],
];

function displayName(user: { first_name: string; last_name?: string | undefined } | undefined): string | undefined {
  if (!user) return undefined;
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name ? name.slice(0, 200) : undefined;
}

/** Telegram gives the patient's own number in international form, often without '+'. */
function e164(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : undefined;
}

function messageContent(m: TgMessage): { content: InboundContent; phone?: string } {
  if (m.text !== undefined) {
    const start = START.exec(m.text);
    if (start) {
      const payload = start[1]?.trim();
      return { content: { kind: 'start', code: payload && START_CODE.test(payload) ? payload : undefined } };
    }
    return { content: { kind: 'text', text: m.text } };
  }
  if (m.contact) {
    const c = m.contact;
    const name = [c.first_name, c.last_name].filter(Boolean).join(' ').trim().slice(0, 200);
    const own = c.user_id !== undefined && c.user_id === m.from?.id;
    const phone = own ? e164(c.phone_number) : undefined;
    return {
      content: { kind: 'contacts', contacts: [{ name, phone: c.phone_number.slice(0, 64) }] },
      ...(phone ? { phone } : {}),
    };
  }
  if (m.location) return { content: { kind: 'location', latitude: m.location.latitude, longitude: m.location.longitude } };
  const media = MEDIA_FIELDS.find(([field]) => m[field] !== undefined)?.[1] ?? 'other';
  return { content: { kind: 'media', media, ...(m.caption !== undefined ? { caption: m.caption } : {}) } };
}

/**
 * Turn a parsed Bot API update into an InboundMessage, or say why it is ignored. Pure: `now` (epoch ms) dates button presses,
 * which carry no timestamp of their own. Only private chats count; ids follow the adapter's scheme:
 * `${chatId}:${message_id}`, `${chatId}:${message_id}:e${edit_date}` for edits, `cb:${callback_query.id}` for presses.
 */
export function normaliseUpdate(update: TgUpdate, now: number): Normalised {
  const type = updateType(update);
  const base = { channel: 'telegram' as const };

  if (update.message) {
    const m = update.message;
    if (m.chat.type !== 'private') {
      return { kind: 'ignored', reason: 'not_private', updateType: type, chatType: m.chat.type, chatId: m.chat.id };
    }
    const { content, phone } = messageContent(m);
    const name = displayName(m.from);
    return {
      kind: 'message',
      message: {
        ...base,
        channelMessageId: `${m.chat.id}:${m.message_id}`,
        channelUserId: String(m.chat.id),
        sentAt: m.date * 1000,
        ...(name ? { displayName: name } : {}),
        ...(phone ? { phone } : {}),
        content,
      },
    };
  }

  if (update.edited_message) {
    const m = update.edited_message;
    if (m.chat.type !== 'private') {
      return { kind: 'ignored', reason: 'not_private', updateType: type, chatType: m.chat.type, chatId: m.chat.id };
    }
    const text = m.text ?? m.caption;
    // Live-location updates arrive as a stream of edits: there is nothing to record without text.
    if (text === undefined) return { kind: 'ignored', reason: 'edit_without_text', updateType: type, chatId: m.chat.id };
    const name = displayName(m.from);
    return {
      kind: 'message',
      message: {
        ...base,
        channelMessageId: `${m.chat.id}:${m.message_id}:e${m.edit_date ?? m.date}`,
        channelUserId: String(m.chat.id),
        sentAt: (m.edit_date ?? m.date) * 1000,
        ...(name ? { displayName: name } : {}),
        content: { kind: 'edited', text, originalId: `${m.chat.id}:${m.message_id}` },
      },
    };
  }

  if (update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    if (!chat) return { kind: 'ignored', reason: 'no_chat', updateType: type, callbackQueryId: q.id };
    if (chat.type !== 'private') {
      return { kind: 'ignored', reason: 'not_private', updateType: type, chatType: chat.type, chatId: chat.id, callbackQueryId: q.id };
    }
    const value = (q.data ?? '').slice(0, 200);
    const label = q.message?.reply_markup?.inline_keyboard.flat().find((b) => b.callback_data === q.data)?.text;
    const name = displayName(q.from);
    return {
      kind: 'message',
      callbackQueryId: q.id,
      message: {
        ...base,
        channelMessageId: `cb:${q.id}`,
        channelUserId: String(chat.id),
        sentAt: now,
        ...(name ? { displayName: name } : {}),
        content: { kind: 'choice', value, ...(label !== undefined ? { label: label.slice(0, 500) } : {}) },
      },
    };
  }

  return { kind: 'ignored', reason: 'unsupported_update', updateType: type };
}
