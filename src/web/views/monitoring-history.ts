import type { FastifyRequest } from 'fastify';
import { monitoringStage } from '../../domain/monitoring.js';
import type { CheckinRecord, ConversationRecord } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { t, type MsgKey, type UiLang } from '../i18n.js';
import { csrfField, formatTime, tKey } from '../layout.js';
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
export function monitoringHistory(req: FastifyRequest, ctx: Pick<WebContext, 'repos' | 'config' | 'clock' | 'monitoring'>, conversation: Pick<ConversationRecord, 'id' | 'channel' | 'channelUserId'>): Html | '' {
  const lang = req.lang;
  const repos = ctx.repos;
  const tz = ctx.config.TIMEZONE;
  // Recording a result has effects after the commit (a new case's interview); only the running system can carry them out.
  const canRecordResult = ctx.monitoring !== undefined;
  const e = repos.monitoring.byChat(conversation.channel, conversation.channelUserId);
  if (!e) return '';
  const contact = repos.monitoring.contact(e.contactId);
  const checkins = repos.monitoring.checkins(e.id).sort((a, b) => (a.date < b.date ? -1 : 1));
  return html`<section class="card mon-history" id="monitoring-history" data-enrolment-id="${e.id}"><h2>${t(lang, 'mon_history_title')}</h2>
${contact ? html`<p class="mon-contact"><strong>${contact.name}</strong> · ${contact.phone ?? t(lang, 'mon_no_phone')}${contact.area ? ` · ${contact.area}` : ''}</p>` : ''}
<p class="mon-stage">${t(lang, 'mon_history_stage', { stage: stageText(lang, monitoringStage(e)) })}</p>
<p class="muted small">${t(lang, 'mon_history_period', { from: e.lastExposureDate, to: e.quarantineEnd, tests: e.testDates.join(', ') })}</p>
${checkins.length === 0 ? html`<p class="muted">${t(lang, 'mon_history_none')}</p>` : html`<ol>${checkins.map((c) => checkinLine(lang, c, tz))}</ol>`}
${e.testResult ? html`<p class="mon-result">${t(lang, 'mon_history_result', { result: t(lang, RESULT_KEY[e.testResult]) })}${e.testedAt ? ` (${e.testedAt})` : ''}</p>` : ''}
${canRecordResult && e.status === 'active' ? resultForm(req, e.contactId, conversation.id, localDate(ctx.clock(), tz)) : ''}
</section>`;
}

/** A lab result a tracer learnt by phone or from the lab (the same service as the API: positive makes the contact a case). */
function resultForm(req: FastifyRequest, contactId: number, conversationId: number, today: string): Html {
  const lang = req.lang;
  // A plain form, not a <details>: the side panel is re-rendered by live updates, which would fold it shut mid-entry.
  return html`<form method="post" action="/inbox/contacts/${contactId}/test-result" class="stack small mon-result-form"><h3>${t(lang, 'mon_result_record')}</h3>${csrfField(req)}<input type="hidden" name="back" value="${conversationId}">
  <label>${t(lang, 'mon_result_label')}<select name="result"><option value="negative">${t(lang, 'mon_result_negative')}</option><option value="positive">${t(lang, 'mon_result_positive')}</option></select></label>
  <label>${t(lang, 'mon_result_date')}<input type="date" name="testedAt" value="${today}" max="${today}" required></label>
  <button type="submit" data-action="record-result">${t(lang, 'mon_call_record')}</button>
</form>`;
}
