import { monitoringStage } from '../../domain/monitoring.js';
import type { CheckinRecord, ConversationRecord, Repositories } from '../../domain/repositories/index.js';
import { html, type Html } from '../html.js';
import { t, type MsgKey, type UiLang } from '../i18n.js';
import { formatTime, tKey } from '../layout.js';
import { stageText } from './coordinator/monitoring-page.js';

/** A contact's quarantine follow-up in the conversation page's side panel: period, stage now, and every check-in. */

const RESULT_KEY: Record<NonNullable<CheckinRecord['testResult']>, MsgKey> = { positive: 'mon_result_positive', negative: 'mon_result_negative', not_tested: 'mon_result_not_yet' };

function checkinLine(lang: UiLang, c: CheckinRecord, tz: string): Html {
  const parts: (Html | string)[] = [];
  if (c.answeredAt !== null) {
    parts.push(formatTime(lang, c.answeredAt, tz));
    if (c.hasSymptoms === true) parts.push(html`<span class="symptoms">${t(lang, 'mon_history_symptoms', { list: (c.symptoms ?? []).map((s) => tKey(lang, `mon_symptom_${s}`, s)).join(', ') || '?' })}</span>`);
    else if (c.hasSymptoms === false) parts.push(t(lang, 'mon_history_no_symptoms'));
    if (c.testResult) parts.push(t(lang, 'mon_history_result', { result: t(lang, RESULT_KEY[c.testResult]) }));
  } else if (c.status === 'missed' || c.status === 'sent') {
    parts.push(html`<span class="missed">${t(lang, 'mon_history_no_answer')}</span>`);
  } else {
    parts.push(html`<span class="muted">${t(lang, 'mon_history_pending')}</span>`);
  }
  return html`<li data-checkin-date="${c.date}" data-status="${c.status}">${t(lang, 'mon_history_day', { n: c.day, date: c.date })}: ${parts.map((p, i) => html`${i ? ' · ' : ''}${p}`)}</li>`;
}

/** The follow-up card of the contact this chat belongs to, or nothing when the chat is not a followed contact's. */
export function monitoringHistory(lang: UiLang, repos: Pick<Repositories, 'monitoring'>, conversation: Pick<ConversationRecord, 'channel' | 'channelUserId'>, tz: string): Html | '' {
  const e = repos.monitoring.byChat(conversation.channel, conversation.channelUserId);
  if (!e) return '';
  const contact = repos.monitoring.contact(e.contactId);
  const checkins = repos.monitoring.checkins(e.id).sort((a, b) => (a.date < b.date ? -1 : 1));
  return html`<section class="card mon-history" id="monitoring-history" data-enrolment-id="${e.id}"><h2>${t(lang, 'mon_history_title')}</h2>
${contact ? html`<p class="mon-contact"><strong>${contact.name}</strong> · ${contact.phone ?? t(lang, 'mon_no_phone')}${contact.area ? ` · ${contact.area}` : ''}</p>` : ''}
<p class="mon-stage">${t(lang, 'mon_history_stage', { stage: stageText(lang, monitoringStage(e)) })}</p>
<p class="muted small">${t(lang, 'mon_history_period', { from: e.lastExposureDate, to: e.quarantineEnd, tests: e.testDates.join(', ') })}</p>
${checkins.length === 0 ? html`<p class="muted">${t(lang, 'mon_history_none')}</p>` : html`<ol>${checkins.map((c) => checkinLine(lang, c, tz))}</ol>`}
</section>`;
}
