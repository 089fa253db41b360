import type { ConsentRecord } from '../../domain/repositories/consent.js';
import { html, type Html } from '../html.js';
import { t, type UiLang } from '../i18n.js';

/** The case page's consent card: each answer with the flow version, the exact text shown and when (issue 17). */
export function consentCard(lang: UiLang, records: readonly ConsentRecord[], when: (at: number) => string): Html {
  if (records.length === 0) return html`<section class="card" id="case-consent"><h2>${t(lang, 'consent_title')}</h2><p class="muted">${t(lang, 'consent_none')}</p></section>`;
  const declined = records.some((r) => r.answer === 'declined');
  return html`<section class="card" id="case-consent"><h2>${t(lang, 'consent_title')}</h2>${records.map(
    (r) => html`<dl class="consent-record" data-answer="${r.answer}">
  <dt>${t(lang, r.answer === 'given' ? 'consent_given' : 'consent_declined')}</dt><dd>${when(r.answeredAt)}</dd>
  <dt>${t(lang, 'consent_flow')}</dt><dd><code>${r.flowId}@v${String(r.flowVersion)}</code> · ${r.language}</dd>
  <dt>${t(lang, 'consent_text_shown')}</dt><dd><blockquote class="consent-text">${r.textShown}</blockquote></dd>
</dl>`,
  )}${declined ? html`<p class="muted small">${t(lang, 'consent_declined_note')}</p>` : ''}</section>`;
}
