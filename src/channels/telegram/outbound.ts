import type { OutboundMessage } from '../../domain/channel.js';
import { splitText } from '../split-text.js';

/** Telegram's limit for one message's text. */
export const MAX_TEXT = 4096;
/** Telegram's limit for `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;
/** The language of the conversation is not known here, so the share button speaks both. */
export const SHARE_PHONE_LABEL = '📱 Bagikan nomor saya / Share my number';

export type ReplyMarkup =
  | { inline_keyboard: { text: string; callback_data: string }[][] }
  | { keyboard: { text: string; request_contact: true }[][]; one_time_keyboard: true; resize_keyboard: true }
  | { remove_keyboard: true };

/** One sendMessage call. No parse_mode on purpose: plain text needs no escaping, so `<b>`, `*`, `_` reach the patient as typed. */
export interface PlannedPart {
  text: string;
  replyMarkup?: ReplyMarkup;
}

/** A choice whose value Telegram would reject as callback_data (over 64 bytes). */
export function oversizedChoice(message: OutboundMessage): string | undefined {
  return message.choices?.find((c) => Buffer.byteLength(c.value, 'utf8') > MAX_CALLBACK_DATA_BYTES)?.value;
}

/**
 * Split a reply into sendMessage calls. Choices become an inline keyboard (one button per row, callback_data = value) on the
 * last part, where the question is. `requestPhone` shows a one-time reply keyboard with a contact button; otherwise a reply
 * keyboard still showing (`keyboardShown`) is removed. A message carries one markup: when the inline keyboard takes the last
 * part, the reply-keyboard markup goes on the first part, and with a single part the inline keyboard wins (the patient can type
 * the number).
 */
export function planSend(message: OutboundMessage, keyboardShown: boolean): PlannedPart[] {
  const texts = splitText(message.text, MAX_TEXT);
  const inline: ReplyMarkup | undefined = message.choices?.length
    ? { inline_keyboard: message.choices.map((c) => [{ text: c.label, callback_data: c.value }]) }
    : undefined;
  const reply: ReplyMarkup | undefined = message.requestPhone
    ? { keyboard: [[{ text: SHARE_PHONE_LABEL, request_contact: true }]], one_time_keyboard: true, resize_keyboard: true }
    : keyboardShown
      ? { remove_keyboard: true }
      : undefined;
  const parts: PlannedPart[] = texts.map((text) => ({ text }));
  const last = parts[parts.length - 1]!;
  if (inline) {
    last.replyMarkup = inline;
    if (reply && parts.length > 1) parts[0]!.replyMarkup = reply;
  } else if (reply) {
    last.replyMarkup = reply;
  }
  return parts;
}

/** Whether sending these parts leaves a reply keyboard on the patient's screen (given whether one was shown before). */
export function keyboardAfter(parts: PlannedPart[], shownBefore: boolean): boolean {
  let shown = shownBefore;
  for (const p of parts) {
    if (p.replyMarkup && 'keyboard' in p.replyMarkup) shown = true;
    if (p.replyMarkup && 'remove_keyboard' in p.replyMarkup) shown = false;
  }
  return shown;
}
