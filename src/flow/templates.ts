import { formatDate } from './answers/index.js';
import type { ContextRecord } from './context-vars.js';
import type { AnswerSpec, Lang, Question } from './definition.js';
import { pickText, WORDS } from './system-texts.js';
import type { AnswerValue, Item } from './types.js';

/**
 * What a template can refer to: `{{answers.key}}`, `{{case.field}}`, `{{contact.key}}`, `{{monitoring.key}}`, `{{item.key}}`,
 * `{{count}}`, `{{lists.key}}`.
 */
export interface TemplateScope {
  lang: Lang;
  fallbackLang: Lang;
  answers: Record<string, AnswerValue>;
  case: Record<string, string | number | null>;
  contact?: ContextRecord;
  monitoring?: ContextRecord;
  lists: Record<string, Item[]>;
  item?: Item;
  /** The questions of the collect step `item` belongs to. */
  itemQuestions?: readonly Question[];
  count?: number;
  /** The answer spec behind an answer key, so values render as labels and local dates. */
  answerSpec(key: string): AnswerSpec | undefined;
  /** The questions of the collect step behind a list key (their order is the order a list item is written in). */
  listQuestions(key: string): readonly Question[] | undefined;
}

// `{{root.key}}` or `{{root.key|fallback}}`; the space before it is captured so an empty value can take it away too.
const PLACEHOLDER = /( ?)\{\{\s*([a-z_]+)(?:\.([A-Za-z0-9_]+))?\s*(?:\|([^{}|]*))?\}\}/g;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `text` with every placeholder replaced by plain text; nothing is evaluated. An empty or unknown value never shows as a
 * gap (issue 14: "Halo , kami dari…"): it becomes the placeholder's fallback (`{{case.first_name|Anda}}`), or, without
 * one, the placeholder goes together with the space before it.
 */
export function renderTemplate(text: string, scope: TemplateScope): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (_whole, space: string, root: string, key: string | undefined, fallback: string | undefined) => {
    const value = placeholderValue(root, key, scope).trim();
    if (value !== '') return space + value;
    const alt = fallback?.trim() ?? '';
    return alt === '' ? '' : space + alt;
  });
}

function placeholderValue(root: string, key: string | undefined, scope: TemplateScope): string {
  switch (root) {
    case 'answers':
      return key === undefined ? '' : formatValue(scope.answers[key], scope.answerSpec(key), scope);
    case 'case':
      return key === undefined ? '' : formatValue(scope.case[key], undefined, scope);
    case 'contact':
    case 'monitoring':
      return key === undefined ? '' : formatValue(scope[root]?.[key], undefined, scope);
    case 'item': {
      if (key === undefined || !scope.item) return '';
      return formatValue(scope.item[key], scope.itemQuestions?.find((q) => q.id === key)?.answer, scope);
    }
    case 'count':
      return key === undefined && scope.count !== undefined ? String(scope.count) : '';
    case 'lists':
      return key === undefined ? '' : renderList(scope.lists[key] ?? [], scope.listQuestions(key) ?? [], scope);
    default:
      return '';
  }
}

/** One answer as a patient should read it: labels for choices, ya/yes for booleans, local dates. */
export function formatValue(value: unknown, spec: AnswerSpec | undefined, scope: Pick<TemplateScope, 'lang' | 'fallbackLang'>): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? WORDS[scope.lang].yes : WORDS[scope.lang].no;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (Array.isArray(value)) return value.map((v) => formatValue(v, spec, scope)).filter((v) => v !== '').join(', ');
  if (typeof value !== 'string') return '';
  if (spec?.type === 'choice') {
    const choice = spec.choices.find((c) => c.value === value);
    if (choice) return pickText(choice.label, scope.lang, scope.fallbackLang);
  }
  if (ISO_DATE.test(value)) {
    try {
      return formatDate(value, scope.lang);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * A numbered list, one item a line, fields in question order ("1. Budi, +6281234567890, Serumah, 20 Nov 2026").
 * Yes/no fields are left out: "ya" alone would mean nothing to the reader.
 */
export function renderList(items: readonly Item[], questions: readonly Question[], scope: Pick<TemplateScope, 'lang' | 'fallbackLang'>): string {
  if (items.length === 0) return WORDS[scope.lang].none;
  return items
    .map((item, i) => {
      const parts: string[] = [];
      for (const q of questions) {
        const v = item[q.id];
        if (typeof v === 'boolean') continue;
        const s = formatValue(v, q.answer, scope);
        if (s !== '') parts.push(s);
      }
      return `${i + 1}. ${parts.join(', ')}`;
    })
    .join('\n');
}
