import { escapeHtml, trusted, type Html } from './html.js';

// WhatsApp/Telegram markup the bot's texts use: *bold*, _italic_, ~strike~. A marker opens only at a word start and
// closes before a word end on the same line, so "2*3*4", snake_case words and lone asterisks stay as typed.
const MARKS: [RegExp, string][] = [
  [/(^|[^\p{L}\p{N}*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}*])/gu, 'strong'],
  [/(^|[^\p{L}\p{N}_])_(?=\S)([^_\n]*?\S)_(?![\p{L}\p{N}_])/gu, 'em'],
  [/(^|[^\p{L}\p{N}~])~(?=\S)([^~\n]*?\S)~(?![\p{L}\p{N}~])/gu, 's'],
];

/**
 * A chat message as HTML with its *bold*, _italic_ and ~strike~ shown. The text is escaped FIRST and the markup applied
 * to the escaped text (the markers are not HTML-special), so nothing a patient types can become a tag or attribute.
 */
export function chatMarkup(text: string): Html {
  let out = escapeHtml(text);
  for (const [re, tag] of MARKS) out = out.replace(re, (_m, before: string, inner: string) => `${before}<${tag}>${inner}</${tag}>`);
  return trusted(out);
}
