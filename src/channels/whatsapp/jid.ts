import { isLidUser, isPnUser, jidDecode } from '@whiskeysockets/baileys';

const E164 = /^\+[1-9]\d{6,14}$/;

/** The WhatsApp JID of an E.164 phone (`+6281234567890` → `6281234567890@s.whatsapp.net`); throws RangeError on a non-E.164 input. */
export function jidForPhone(e164: string): string {
  if (!E164.test(e164)) throw new RangeError('jidForPhone: expected an E.164 phone like +6281234567890');
  return `${e164.slice(1)}@s.whatsapp.net`;
}

/** The E.164 phone of a phone JID (`6281…@s.whatsapp.net`, device suffix ignored), or undefined for LIDs, groups and junk. */
export function phoneFromJid(jid: string | null | undefined): string | undefined {
  if (!jid || !isPnUser(jid)) return undefined;
  const user = jidDecode(jid)?.user;
  return user && /^\d{7,15}$/.test(user) ? `+${user}` : undefined;
}

/** True for a one-to-one chat we may talk to: a phone JID or a LID (never groups, broadcasts, newsletters). */
export function isPersonJid(jid: string): boolean {
  if (isLidUser(jid)) return /^\d+(:\d+)?@lid$/.test(jid);
  return Boolean(isPnUser(jid)) && phoneFromJid(jid) !== undefined;
}

/** True for a LID chat (`…@lid`): WhatsApp's privacy id, which has no phone number we can look up. */
export function isLidUserJid(jid: string): boolean {
  return Boolean(isLidUser(jid));
}
