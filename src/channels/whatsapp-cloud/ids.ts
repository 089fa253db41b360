import { createHash } from 'node:crypto';
import { logId, type LogId } from '../../domain/log-event.js';

/*
 * Chat ids. The Cloud channel names a chat like the linked-phone channel does (`<digits>@s.whatsapp.net`), so a health office
 * that moves from the linked phone to the Business Platform keeps every open conversation: same channel name, same chat key.
 */

const E164 = /^\+[1-9]\d{6,14}$/;
const WA_ID = /^[1-9]\d{6,14}$/;
const JID = /^([1-9]\d{6,14})(?::\d+)?@s\.whatsapp\.net$/;

/** The chat id of a WhatsApp id (`6281234567890` → `6281234567890@s.whatsapp.net`). */
export function chatIdForWaId(waId: string): string {
  return `${waId}@s.whatsapp.net`;
}

/** The chat id of an E.164 phone; throws RangeError on anything else. */
export function chatIdForPhone(e164: string): string {
  if (!E164.test(e164)) throw new RangeError('chatIdForPhone: expected an E.164 phone like +6281234567890');
  return chatIdForWaId(e164.slice(1));
}

/** The Graph API `to` for a chat id: accepts a phone JID, bare digits or an E.164 phone; undefined for LIDs, groups, junk. */
export function waIdForChat(chatId: string): string | undefined {
  const jid = JID.exec(chatId);
  if (jid) return jid[1];
  const digits = chatId.startsWith('+') ? chatId.slice(1) : chatId;
  return WA_ID.test(digits) ? digits : undefined;
}

/**
 * How a wamid appears in logs: Meta's ids embed the person's phone number (base64), so logs carry a short hash of it, which
 * still finds the transcript line (hash the stored channel_message_id the same way).
 */
export function msgRef(wamid: string): LogId {
  return logId(createHash('sha256').update(wamid).digest('hex').slice(0, 16));
}
