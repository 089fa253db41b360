import { z } from 'zod';

/*
 * The part of the Bot API `Update` the adapter reads. Unknown fields are stripped; fields we only test for presence (media) are
 * `unknown`, and decorations we merely read (reply_markup) fall back to undefined instead of rejecting the update, so a Bot API
 * change elsewhere in a message never turns a patient's message into a 400.
 */

const User = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});

const Chat = z.object({
  id: z.number().int(),
  /** private | group | supergroup | channel */
  type: z.string(),
});

const InlineKeyboard = z.object({
  inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))),
});

const present = z.unknown().optional();

export const TgMessage = z.object({
  message_id: z.number().int(),
  /** Unix seconds; 0 for an "inaccessible" message inside an old callback query. */
  date: z.number().int(),
  chat: Chat,
  from: User.optional(),
  edit_date: z.number().int().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  contact: z
    .object({
      phone_number: z.string(),
      first_name: z.string(),
      last_name: z.string().optional(),
      user_id: z.number().int().optional(),
    })
    .optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  sticker: present,
  photo: present,
  voice: present,
  audio: present,
  video: present,
  video_note: present,
  document: present,
  animation: present,
  reply_markup: InlineKeyboard.optional().catch(undefined),
});
export type TgMessage = z.infer<typeof TgMessage>;

export const TgCallbackQuery = z.object({
  id: z.string(),
  from: User,
  message: TgMessage.optional(),
  data: z.string().optional(),
});
export type TgCallbackQuery = z.infer<typeof TgCallbackQuery>;

/** A Bot API Update. Loose, so an update type we do not handle keeps its key and can be logged by name. */
export const TgUpdate = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: TgMessage.optional(),
  edited_message: TgMessage.optional(),
  callback_query: TgCallbackQuery.optional(),
});
export type TgUpdate = z.infer<typeof TgUpdate>;

/** The update's kind: the one field besides update_id ('message', 'message_reaction', …), or 'empty'. */
export function updateType(update: { update_id: number } & Record<string, unknown>): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? 'empty';
}
