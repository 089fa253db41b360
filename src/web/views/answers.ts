import type { AnswerInfo } from '../../services/answer-glossary.js';
import { html, type Html } from '../html.js';
import { hasKey, t, type UiLang } from '../i18n.js';

/** A flow text in the UI language (the other language when the flow has only that one). */
function inLang(lang: UiLang, text: { id?: string; en?: string }): string {
  return text[lang] ?? text.id ?? text.en ?? '';
}

/** A question as a short label: its first sentence, placeholders and markup removed, at most 60 characters. */
function questionLabel(lang: UiLang, text: { id?: string; en?: string }): string {
  const plain = inLang(lang, text).replace(/\{\{[^}]*\}\}/g, '…').replace(/[*_]/g, '').trim();
  const first = plain.split(/(?<=[?.:])\s/)[0] ?? plain;
  return first.length > 60 ? `${first.slice(0, 57).trimEnd()}…` : first;
}

/** The readable name of an answer key (or of a field of a list item): the catalogue's, else the flow's question, else the key in words. */
export function answerLabel(lang: UiLang, key: string, info?: AnswerInfo, field = false): string {
  const k = `${field ? 'answer_field_' : 'answer_'}${key}`;
  if (hasKey(k)) return t(lang, k);
  if (info) return questionLabel(lang, info.question);
  return key.replace(/_/g, ' ');
}

const dateFormats = new Map<UiLang, Intl.DateTimeFormat>();
function isoDate(lang: UiLang, iso: string): string {
  let f = dateFormats.get(lang);
  if (!f) dateFormats.set(lang, (f = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' })));
  return f.format(new Date(`${iso}T00:00:00Z`));
}

/** A single saved value as words: yes/no, a choice's label in the UI language, a date, or the text typed. */
export function answerWords(lang: UiLang, value: unknown, info?: AnswerInfo): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t(lang, 'yes') : t(lang, 'no');
  if (Array.isArray(value)) return value.map((v) => answerWords(lang, v, info)).join(', ');
  if (typeof value === 'string') {
    const choice = info?.choices.get(value);
    if (choice) return inLang(lang, choice);
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return isoDate(lang, value);
    return value;
  }
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${answerLabel(lang, k, info?.fields.get(k), true)}: ${answerWords(lang, v, info?.fields.get(k))}`).join('; ');
  return String(value);
}

/** True for a collected list (contacts, places): shown as a table of its own. */
export const isItemList = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));

/** A saved answer for a page: a list of items (contacts, places) as a table with one column per question, else words. */
export function answerValue(lang: UiLang, value: unknown, info?: AnswerInfo): Html {
  if (!isItemList(value)) return html`${answerWords(lang, value, info)}`;
  const keys = [...new Set([...(info ? [...info.fields.keys()] : []), ...value.flatMap((item) => Object.keys(item))])].filter((k) => value.some((item) => k in item));
  return html`<table class="answer-list"><thead><tr>${keys.map((k) => html`<th>${answerLabel(lang, k, info?.fields.get(k), true)}</th>`)}</tr></thead><tbody>${value.map(
    (item) => html`<tr>${keys.map((k) => html`<td>${answerWords(lang, item[k], info?.fields.get(k))}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** A code a flow gives a hand-off or a risky answer (`breathing_difficulty`) as words in the UI language. */
export function reasonDetail(lang: UiLang, detail: string): string {
  const k = `detail_${detail}`;
  return hasKey(k) ? t(lang, k) : /^[a-z0-9_]+$/.test(detail) ? detail.replace(/_/g, ' ') : detail;
}

/**
 * The input a tracer edits a saved answer with: the flow's choices by their labels in the UI language (a select, or
 * checkboxes named `values` for a multiple choice) so codes such as `household` never show; else the plain text input.
 */
export function answerEditControl(lang: UiLang, key: string, value: unknown, info: AnswerInfo | undefined, textInput: Html): Html {
  if (!info || info.type !== 'choice' || info.choices.size === 0) return textInput;
  const label = answerLabel(lang, key, info);
  const options = [...info.choices.entries()];
  if (Array.isArray(value)) {
    const chosen = new Set(value.map(String));
    return html`<input type="hidden" name="value" value=""><span class="choice-boxes" role="group" aria-label="${label}">${options.map(
      ([v, text]) => html`<label class="inline-check"><input type="checkbox" name="values" value="${v}"${chosen.has(v) ? html` checked` : ''}> ${inLang(lang, text)}</label>`,
    )}</span>`;
  }
  return html`<select name="value" aria-label="${label}"><option value="">—</option>${options.map(([v, text]) => html`<option value="${v}"${value === v ? html` selected` : ''}>${inLang(lang, text)}</option>`)}</select>`;
}
