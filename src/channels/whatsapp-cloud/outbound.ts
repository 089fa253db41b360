import type { OutboundMessage } from '../../domain/channel.js';
import { splitText } from '../split-text.js';
import { CONTINUE_PAYLOAD } from './inbound.js';

/** Platform limits, from Meta's message reference. */
export const CLOUD_LIMITS = {
  /** A text message body. */
  text: 4096,
  /** The body of an interactive message. */
  interactiveBody: 1024,
  replyButtons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowId: 200,
} as const;

/** The list's open button (at most 20 characters), and the hint under a numbered fallback. */
export const LIST_BUTTON = 'Pilih / Choose';
export const CHOICE_HINT = 'Balas dengan angka / Reply with the number';

export type Json = Record<string, unknown>;

/** The template sent when the 24-hour window is closed. `params` fill the body's {{1}}, {{2}}…; the button carries our payload. */
export interface TemplateSettings {
  name: string;
  language: string;
  params: readonly string[];
  /** Whether the approved template has a quick-reply button at index 0 (it then carries CONTINUE_PAYLOAD). */
  continueButton: boolean;
}

/** How the choices of a message travel. */
export type ChoiceStyle = 'none' | 'buttons' | 'list' | 'numbered';

/** Buttons when up to 3 short labels fit, a list for up to 10 that fit, otherwise numbered text the patient answers by number. */
export function choiceStyle(choices: OutboundMessage['choices']): ChoiceStyle {
  const c = choices ?? [];
  if (c.length === 0) return 'none';
  const unique = new Set(c.map((x) => x.value)).size === c.length;
  const fits = (title: number, id: number) => unique && c.every((x) => x.label.trim().length > 0 && [...x.label].length <= title && x.value.length > 0 && x.value.length <= id);
  if (c.length <= CLOUD_LIMITS.replyButtons && fits(CLOUD_LIMITS.buttonTitle, CLOUD_LIMITS.buttonId)) return 'buttons';
  if (c.length <= CLOUD_LIMITS.listRows && fits(CLOUD_LIMITS.rowTitle, CLOUD_LIMITS.rowId)) return 'list';
  return 'numbered';
}

function base(to: string): Json {
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to };
}

function textBody(to: string, body: string): Json {
  return { ...base(to), type: 'text', text: { body, preview_url: false } };
}

/**
 * The Graph API request bodies for one reply, in order: the text split at 4,096 characters, the last part carrying the
 * choices as reply buttons or a list (its body then at most 1,024 characters), or numbered text when the labels do not fit.
 */
export function planMessages(to: string, message: Pick<OutboundMessage, 'text' | 'choices'>): Json[] {
  const style = choiceStyle(message.choices);
  const choices = message.choices ?? [];
  if (style === 'none' || style === 'numbered') {
    const text = style === 'none' ? message.text : `${message.text}\n\n${choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}\n\n_${CHOICE_HINT}_`;
    return splitText(text, CLOUD_LIMITS.text).map((part) => textBody(to, part));
  }
  const parts = splitText(message.text.trim() ? message.text : '…', CLOUD_LIMITS.text);
  const last = parts.pop()!;
  const tail = splitText(last, CLOUD_LIMITS.interactiveBody);
  const body = tail.pop()!;
  const out = [...parts, ...tail].map((part) => textBody(to, part));
  const action =
    style === 'buttons'
      ? { buttons: choices.map((c) => ({ type: 'reply', reply: { id: c.value, title: c.label.trim() } })) }
      : { button: LIST_BUTTON, sections: [{ rows: choices.map((c) => ({ id: c.value, title: c.label.trim() })) }] };
  out.push({ ...base(to), type: 'interactive', interactive: { type: style === 'buttons' ? 'button' : 'list', body: { text: body }, action } });
  return out;
}

/** The request body of the approved template that reopens a conversation outside the 24-hour window. */
export function templateMessage(to: string, t: TemplateSettings): Json {
  const components: Json[] = [];
  if (t.params.length) components.push({ type: 'body', parameters: t.params.map((text) => ({ type: 'text', text })) });
  if (t.continueButton) {
    components.push({ type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: CONTINUE_PAYLOAD }] });
  }
  return { ...base(to), type: 'template', template: { name: t.name, language: { code: t.language }, ...(components.length ? { components } : {}) } };
}
