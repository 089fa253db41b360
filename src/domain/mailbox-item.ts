import { z } from 'zod';
import { ChannelName, InboundMessage } from './channel.js';

/**
 * What a chat's mailbox holds: a patient message, or a timer or outreach that must be ordered with them. A zod schema
 * because it is also the mailbox's stored payload: the queue parses it at the edge, the turn receives it typed.
 */
export const MailboxItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: InboundMessage, enqueuedAt: z.number() }),
  z.object({
    type: z.literal('timer'),
    timer: z.enum(['reminder', 'expire']),
    conversationId: z.number().int(),
    id: z.string(),
    enqueuedAt: z.number(),
  }),
  /** We write first (WhatsApp outreach): open the chat for a case and send the interview's first message. */
  z.object({
    type: z.literal('outreach'),
    caseId: z.number().int(),
    channel: ChannelName,
    channelUserId: z.string().min(1),
    id: z.string(),
    enqueuedAt: z.number(),
  }),
  /**
   * Following a contact (issue 16), on the contact's chat: the first message, a daily check-in, the release, or the case
   * interview of a contact who tested positive (they proved who they are in this chat already).
   */
  z.object({
    type: z.literal('monitoring'),
    action: z.enum(['notify', 'checkin', 'release', 'interview']),
    enrolmentId: z.number().int(),
    checkinId: z.number().int().optional(),
    channel: ChannelName,
    channelUserId: z.string().min(1),
    id: z.string(),
    enqueuedAt: z.number(),
  }),
]);
export type MailboxItem = z.infer<typeof MailboxItem>;

/** A stored mailbox payload as an item, or undefined when it is not JSON or not an item (kept aside, never thrown). */
export function parseMailboxItem(text: string): MailboxItem | undefined {
  try {
    const r = MailboxItem.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
