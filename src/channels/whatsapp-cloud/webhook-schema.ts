import { z } from 'zod';

/*
 * The parts of the Cloud API `messages` webhook the adapter reads, written from Meta's public webhook reference. Objects are
 * loose where Meta adds fields often (pricing, conversation, new message types), and every message type we do not handle
 * keeps its `type` so it can be logged by name and ignored, instead of turning a whole batch into a 400.
 */

/** Unix seconds as a decimal string (Meta sends strings; numbers are tolerated). */
const UnixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((v) => Number(v));

const Media = z.looseObject({ id: z.string().optional(), mime_type: z.string().optional(), caption: z.string().optional() });

export const CloudContactCard = z.looseObject({
  name: z.looseObject({
    formatted_name: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
  }).optional(),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
});
export type CloudContactCard = z.infer<typeof CloudContactCard>;

export const CloudMessage = z.looseObject({
  /**
   * The sender's WhatsApp id: the digits of their phone number, or (for people who hide their number behind a username) a
   * business-scoped user id such as `US.1234`, or absent. Only a phone number can be answered and linked to a case.
   */
  from: z.string().max(64).optional(),
  id: z.string().min(1).max(200),
  timestamp: UnixSeconds,
  type: z.string(),
  /** Set on messages from a group chat: the bot talks one-to-one only. */
  group_id: z.string().optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string().optional() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string().optional() }).optional(),
    })
    .optional(),
  /** A tap on a template's quick-reply button. */
  button: z.looseObject({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  contacts: z.array(CloudContactCard).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number() }).optional(),
  image: Media.optional(),
  video: Media.optional(),
  document: Media.optional(),
  audio: z.looseObject({ id: z.string().optional(), voice: z.boolean().optional() }).optional(),
  sticker: Media.optional(),
});
export type CloudMessage = z.infer<typeof CloudMessage>;

const CloudError = z.looseObject({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
});

export const CloudStatus = z.looseObject({
  /** The wamid our send returned. */
  id: z.string().min(1),
  status: z.string(),
  timestamp: UnixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(CloudError).optional(),
});
export type CloudStatus = z.infer<typeof CloudStatus>;

export const CloudChangeValue = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
  /** Kept raw: each message is parsed on its own, so one odd message never hides its neighbours. */
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(CloudError).optional(),
});
export type CloudChangeValue = z.infer<typeof CloudChangeValue>;

/** A whole webhook POST body. */
export const CloudWebhook = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type CloudWebhook = z.infer<typeof CloudWebhook>;

/** The Graph API's error envelope: `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }`. */
export const GraphErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    type: z.string().optional(),
    message: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

/** A successful send: `{ messaging_product, contacts: [{ input, wa_id }], messages: [{ id }] }`. */
export const SendResponse = z.looseObject({
  messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
});
