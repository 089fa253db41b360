import type { DuplicatePair } from '../../../services/coordinator/index.js';
import { t, type UiLang } from '../../i18n.js';

/** Why a pair is offered as one person, in words: how the names agree (or which words differ), the area, the phones. */
export function duplicateWhy(lang: UiLang, d: DuplicatePair): string {
  const names =
    d.names.kind === 'different'
      ? t(lang, 'dup_names_alike', { words: d.names.differing.map(([x, y]) => `${x || '—'} ↔ ${y || '—'}`).join(', ') })
      : t(lang, `dup_names_${d.names.kind}`);
  const phones = d.a.phone && d.b.phone ? t(lang, 'dup_phones_differ') : t(lang, 'why_phone_missing');
  return [`${Math.round(d.similarity * 100)}%`, names, ...(d.why === 'same_area' ? [t(lang, 'why_same_area')] : []), phones].join(' · ');
}
