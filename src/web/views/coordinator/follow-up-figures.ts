import type { FollowUpIndicators } from '../../../services/coordinator/index.js';
import { html, type Html } from '../../html.js';
import { t, type UiLang } from '../../i18n.js';
import { meter } from './charts.js';

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const hours = (v: number | null) => (v === null ? '—' : String(Math.round(v * 10) / 10));

function figure(id: string, label: string, value: string, sub: Html | string): Html {
  return html`<div class="figure" data-figure="${id}"><div class="figure-label">${label}</div><div class="figure-value" id="fig-${id}">${value}</div><div class="figure-sub">${sub}</div></div>`;
}

/** The dashboard's contact follow-up card (issue 16): five indicators, each with its numerator and denominator. */
export function followUpFigures(lang: UiLang, f: FollowUpIndicators): Html {
  return html`<section class="card follow-up" id="follow-up"><h2>${t(lang, 'mon_ind_title')}</h2><p class="muted small">${t(lang, 'mon_ind_note')}</p>
<section class="figures small-figures">
  ${figure(
    'fu-notified-24h',
    t(lang, 'mon_ind_notified_24h'),
    pct(f.notified.share),
    html`${meter({ id: 'meter-fu-24h', value: f.notified.share, max: 1, text: pct(f.notified.share), good: (f.notified.share ?? 0) >= 0.8, target: 0.8 })}<span>${t(lang, 'mon_ind_notified_sub', { n: f.notified.within24h, of: f.notified.counted, hours: hours(f.notified.medianHours) })}</span>`,
  )}
  ${figure('fu-response', t(lang, 'mon_ind_response'), pct(f.checkIns.rate), t(lang, 'mon_ind_response_sub', { n: f.checkIns.answered, of: f.checkIns.sent }))}
  ${figure('fu-completed', t(lang, 'mon_ind_completed'), pct(f.completed.share), t(lang, 'mon_ind_completed_sub', { n: f.completed.completed, of: f.completed.ended }))}
  ${figure('fu-attack', t(lang, 'mon_ind_attack'), pct(f.becameCases.rate), t(lang, 'mon_ind_attack_sub', { n: f.becameCases.cases, of: f.becameCases.contacts }))}
  ${figure('fu-known', t(lang, 'mon_ind_known'), pct(f.knownContacts.share), t(lang, 'mon_ind_known_sub', { n: f.knownContacts.wereContacts, of: f.knownContacts.cases }))}
</section></section>`;
}
