import type { InboxRefusal } from '../../services/inbox/index.js';
import { t, type UiLang } from '../i18n.js';

/** The sentence a tracer reads when an inbox action was refused (naming who holds the chat). */
export function refusalText(lang: UiLang, r: InboxRefusal): string {
  if (r.error === 'already_claimed') return r.by ? t(lang, 'already_claimed', { name: r.by.name }) : t(lang, 'already_claimed_nobody');
  if (r.error === 'not_assignee') return r.by ? t(lang, 'not_assignee', { name: r.by.name }) : t(lang, 'not_with_tracer');
  if (r.error === 'phone_taken') return t(lang, 'phone_taken', { id: r.detail ?? '?' });
  return t(lang, r.error);
}
