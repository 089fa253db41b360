import type { FlowProblem } from '../../../flow/problems.js';
import { t, type UiLang } from '../../i18n.js';

/**
 * The flow checker speaks English for `flows:check` and editors; the web editor shows its most frequent problems in the
 * coordinator's language, with YAML paths such as `cases[0].next` said in words. A message with no translation here is
 * shown as the checker wrote it.
 */
type Rule = [RegExp, (lang: UiLang, m: RegExpExecArray) => string];

const hint = (lang: UiLang, h: string | undefined) => (h ? t(lang, 'fc_did_you_mean', { hint: h }) : '');

/** A jump's YAML path in words: `cases[0].next` → "the next step of case 1". */
export function fieldInWords(lang: UiLang, field: string): string {
  const c = /^cases\[(\d+)\]\.next$/.exec(field);
  if (c) return t(lang, 'fc_field_case_next', { n: Number(c[1]) + 1 });
  if (field === 'default') return t(lang, 'fc_field_default');
  if (field === 'next') return t(lang, 'fc_field_next');
  if (field === 'start') return t(lang, 'fc_field_start');
  if (field === 'escalate_when.next') return t(lang, 'fc_field_next');
  return `'${field}'`;
}

const RULES: Rule[] = [
  [/^'([^']+)' points to '([^']+)', but there is no step with that id(?: \(did you mean '([^']+)'\?\))?$/, (l, m) => t(l, 'fc_unknown_target', { field: fieldInWords(l, m[1]!), target: m[2]!, hint: hint(l, m[3]) })],
  [/^step id '([^']+)' is used twice \(step (\d+) in the list has it too\); step ids must be unique$/, (l, m) => t(l, 'fc_duplicate_step', { id: m[1]!, n: m[2]! })],
  [/^question id '([^']+)' is used twice in this collect step$/, (l, m) => t(l, 'fc_duplicate_question', { id: m[1]! })],
  [/^step '([^']+)' can never be reached: no step leads to it from the start$/, (l, m) => t(l, 'fc_unreachable', { id: m[1]! })],
  [/^steps (.+) loop forever: none of them leads to an 'end' or 'handoff' step$/, (l, m) => t(l, 'fc_loop', { steps: m[1]! })],
  [/^the last step has no 'next'/, (l) => t(l, 'fc_last_step')],
  [/^no 'end' step can be reached from the start/, (l) => t(l, 'fc_no_end')],
  [/^this text has no .+ \('(\w+)'\) version; add '\w+: \.\.\.'$/, (l, m) => t(l, 'fc_missing_translation', { lang: t(l, m[1] === 'en' ? 'fc_lang_en' : 'fc_lang_id'), code: m[1]! })],
  [/^choice value '([^']+)' is used twice$/, (l, m) => t(l, 'fc_duplicate_choice', { value: m[1]! })],
  [/^unknown step type '([^']+)'; use one of (.+)$/, (l, m) => t(l, 'fc_unknown_step_type', { type: m[1]!, types: m[2]! })],
  [/^unknown answer type '([^']+)'; use one of (.+)$/, (l, m) => t(l, 'fc_unknown_answer_type', { type: m[1]!, types: m[2]! })],
  [/^unknown field '([^']+)'; allowed here: (.+)$/, (l, m) => t(l, 'fc_unknown_field', { field: m[1]!, fields: m[2]! })],
  [/^'([^']+)' is '([^']*)': use lower_snake_case/, (l, m) => t(l, 'fc_snake_case', { field: m[1]!, value: m[2]! })],
  [/^no step saves an answer '([^']+)'(?: \(did you mean '([^']+)'\?\))?$/, (l, m) => t(l, 'fc_unknown_answer', { key: m[1]!, hint: hint(l, m[2]) })],
];

/** A checker problem in the UI language (falls back to the checker's English). */
export function flowProblemText(lang: UiLang, p: Pick<FlowProblem, 'message'>): string {
  for (const [re, say] of RULES) {
    const m = re.exec(p.message);
    if (m) return say(lang, m);
  }
  return p.message;
}
