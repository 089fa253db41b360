import { getContentType, normalizeMessageContent, proto, type WAMessage } from '@whiskeysockets/baileys';
import { z } from 'zod';
import type { InboundContent, InboundMessage } from '../../domain/channel.js';
import { isLidUserJid, isPersonJid, jidForPhone, phoneFromJid } from './jid.js';
import { parseVCard } from './vcard.js';

// Baileys puts the phone alternative of a LID chat on the key as plain properties (not protobuf fields).
const KeyExtras = z.looseObject({
  remoteJidAlt: z.string().optional(),
  participantAlt: z.string().optional(),
  senderPn: z.string().optional(),
});
const NativeFlowParams = z.looseObject({ id: z.string().min(1) });

/** Content kinds a patient sends that we cannot read: answered as `media: other` so the bot asks the patient to type. */
const UNREADABLE = new Set([
  'pollCreationMessage',
  'pollCreationMessageV2',
  'pollCreationMessageV3',
  'eventMessage',
  'groupInviteMessage',
  'productMessage',
  'orderMessage',
  'albumMessage',
  'stickerPackMessage',
]);

/** The chat id part of `channelMessageId`, so ids stay unique even if a platform id repeats across chats. */
export function inboundMessageId(remoteJid: string, id: string): string {
  return `${remoteJid}:${id}`;
}

function textOf(m: proto.IMessage | null | undefined): string | undefined {
  if (!m) return undefined;
  return (
    m.conversation ??
    m.extendedTextMessage?.text ??
    m.imageMessage?.caption ??
    m.videoMessage?.caption ??
    m.documentMessage?.caption ??
    undefined
  );
}

function nativeFlowChoice(r: proto.Message.IInteractiveResponseMessage): InboundContent | undefined {
  const json = r.nativeFlowResponseMessage?.paramsJson;
  if (!json) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = NativeFlowParams.safeParse(raw);
  if (!parsed.success) return undefined;
  const label = r.body?.text ?? undefined;
  return { kind: 'choice', value: parsed.data.id.slice(0, 200), ...(label ? { label: label.slice(0, 500) } : {}) };
}

function choice(value: string | null | undefined, label: string | null | undefined): InboundContent | undefined {
  if (!value) return undefined;
  return { kind: 'choice', value: value.slice(0, 200), ...(label ? { label: label.slice(0, 500) } : {}) };
}

/** Normalise a message's content, or undefined for things that are not a patient speaking (reactions, protocol, polls votes). */
export function contentOf(message: proto.IMessage | null | undefined, remoteJid: string): InboundContent | undefined {
  const m = normalizeMessageContent(message);
  if (!m) return undefined;
  const type = getContentType(m);
  switch (type) {
    case 'conversation':
    case 'extendedTextMessage': {
      const text = textOf(m);
      return text && text.trim() ? { kind: 'text', text } : undefined;
    }
    case 'buttonsResponseMessage':
      return choice(m.buttonsResponseMessage?.selectedButtonId, m.buttonsResponseMessage?.selectedDisplayText);
    case 'listResponseMessage':
      return choice(m.listResponseMessage?.singleSelectReply?.selectedRowId, m.listResponseMessage?.title);
    case 'templateButtonReplyMessage':
      return choice(m.templateButtonReplyMessage?.selectedId, m.templateButtonReplyMessage?.selectedDisplayText);
    case 'interactiveResponseMessage':
      return m.interactiveResponseMessage ? nativeFlowChoice(m.interactiveResponseMessage) : undefined;
    case 'contactMessage': {
      const c = m.contactMessage;
      const contact = c?.vcard ? parseVCard(c.vcard, c.displayName) : undefined;
      return contact ? { kind: 'contacts', contacts: [contact] } : { kind: 'media', media: 'other' };
    }
    case 'contactsArrayMessage': {
      const contacts = (m.contactsArrayMessage?.contacts ?? [])
        .map((c) => (c.vcard ? parseVCard(c.vcard, c.displayName) : undefined))
        .filter((c) => c !== undefined);
      return contacts.length ? { kind: 'contacts', contacts } : { kind: 'media', media: 'other' };
    }
    case 'locationMessage':
    case 'liveLocationMessage': {
      const l = m.locationMessage ?? m.liveLocationMessage;
      const latitude = l?.degreesLatitude;
      const longitude = l?.degreesLongitude;
      if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
      return { kind: 'location', latitude, longitude };
    }
    case 'imageMessage':
      return media('photo', m.imageMessage?.caption);
    case 'videoMessage':
      return media(m.videoMessage?.gifPlayback ? 'animation' : 'video', m.videoMessage?.caption);
    case 'ptvMessage':
      return media('video');
    case 'audioMessage':
      return media(m.audioMessage?.ptt ? 'voice' : 'audio');
    case 'documentMessage':
      return media('document', m.documentMessage?.caption);
    case 'stickerMessage':
    case 'lottieStickerMessage':
      return media('sticker');
    case 'protocolMessage': {
      const p = m.protocolMessage;
      // Only edits are patient content; revokes, ephemeral settings, key shares... are housekeeping.
      if (p?.type !== proto.Message.ProtocolMessage.Type.MESSAGE_EDIT || !p.key?.id) return undefined;
      const text = textOf(normalizeMessageContent(p.editedMessage));
      if (text === undefined) return undefined;
      return { kind: 'edited', text, originalId: inboundMessageId(remoteJid, p.key.id) };
    }
    default:
      return type && UNREADABLE.has(type) ? media('other') : undefined;
  }
}

function media(kind: 'photo' | 'video' | 'animation' | 'voice' | 'audio' | 'document' | 'sticker' | 'other', caption?: string | null): InboundContent {
  return { kind: 'media', media: kind, ...(caption ? { caption } : {}) };
}

/**
 * Turn one baileys message into our InboundMessage, or undefined when it is not a patient talking to us one-to-one:
 * status broadcasts, groups, newsletters, our own messages, reactions, protocol housekeeping, poll votes.
 * A `@lid` chat with a known phone alternative gets the phone JID as `channelUserId`. `receivedAt` is used when the
 * message carries no timestamp.
 */
export function normaliseInbound(msg: WAMessage, receivedAt: number): InboundMessage | undefined {
  const key = msg.key;
  const remoteJid = key?.remoteJid;
  const id = key?.id;
  if (!key || !remoteJid || !id || key.fromMe) return undefined;
  if (!isPersonJid(remoteJid)) return undefined;
  const content = contentOf(msg.message, remoteJid);
  if (!content) return undefined;
  const extras = KeyExtras.safeParse(key);
  const alt = extras.success ? [extras.data.remoteJidAlt, extras.data.participantAlt, extras.data.senderPn] : [];
  const phone = phoneFromJid(remoteJid) ?? alt.map((j) => phoneFromJid(j)).find((p) => p !== undefined);
  const seconds = Number(msg.messageTimestamp ?? 0);
  const displayName = msg.pushName?.trim();
  return {
    channel: 'whatsapp',
    // The id keeps the JID the message came from, so a redelivery de-duplicates whatever WhatsApp tells us about the LID.
    channelMessageId: inboundMessageId(remoteJid, id).slice(0, 200),
    // One chat per patient: a LID chat whose phone WhatsApp reveals is the phone JID's chat (the one outreach writes to).
    channelUserId: isLidUserJid(remoteJid) && phone ? jidForPhone(phone) : remoteJid,
    sentAt: seconds > 0 ? seconds * 1000 : receivedAt,
    ...(displayName ? { displayName: displayName.slice(0, 200) } : {}),
    ...(phone ? { phone } : {}),
    content,
  };
}
