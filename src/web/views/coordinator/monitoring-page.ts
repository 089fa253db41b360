import type { FastifyRequest } from 'fastify';
import type { MonitoringPolicy, MonitoringStage } from '../../../domain/monitoring.js';
import { ROSTER_STAGES, type MonitoringToday, type SendEstimate, type TodayRow } from '../../../services/coordinator/index.js';
import { html, type Html } from '../../html.js';
import { formatDuration, t, type MsgKey, type UiLang } from '../../i18n.js';
import { csrfField, formatTime } from '../../layout.js';

/** The coordinators' monitoring page: stage chips, the send-time card, the roster, the policy form and the flow links. */

const STAGE_KEY: Record<MonitoringStage, MsgKey> = {
  enrolled: 'mon_stage_to_notify',
  needs_call: 'mon_stage_call',
  notified: 'mon_stage_notified',
  monitoring: 'mon_stage_monitoring',
  symptomatic: 'mon_stage_symptomatic',
  unreachable: 'mon_stage_unreachable',
  released: 'mon_stage_released',
  became_case: 'mon_stage_became_case',
  closed: 'mon_stage_closed',
};

/** The reader's name of a roster stage. */
export function stageText(lang: UiLang, stage: MonitoringStage): string {
  return t(lang, STAGE_KEY[stage]);
}

const CHANNEL_KEY = { whatsapp: 'mon_channel_whatsapp', whatsapp_cloud: 'mon_channel_whatsapp_cloud', fake: 'mon_channel_fake' } as const;

/** "08:00", or "01:30 the next day" past midnight. */
function clock(lang: UiLang, minuteOfDay: number): string {
  const m = minuteOfDay % 1440;
  const hhmm = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return minuteOfDay >= 1440 ? `${hhmm} (${t(lang, 'mon_next_day')})` : hhmm;
}

function sendCard(lang: UiLang, e: SendEstimate, checkIns: number, channel: keyof typeof CHANNEL_KEY | null, hour: number): Html {
  const start = clock(lang, hour * 60);
  const n = (v: number) => v.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB');
  const body =
    channel === null
      ? html`<p>${t(lang, 'mon_send_no_channel')}</p>`
      : e.perMinute === null
        ? html`<p>${t(lang, 'mon_send_due', { n: n(checkIns) })}. ${t(lang, 'mon_send_unthrottled', { channel: t(lang, CHANNEL_KEY[channel]), start })}</p>`
        : html`<p>${t(lang, 'mon_send_due', { n: n(checkIns) })}: ${t(lang, 'mon_send_messages', { n: n(e.messages) })} ${t(lang, 'mon_send_rate', { rate: n(e.perMinute), channel: t(lang, CHANNEL_KEY[channel]) })}
  ${t(lang, 'mon_send_takes', { duration: e.minutes === 0 ? '0' : formatDuration(lang, e.minutes * 60_000), start, end: clock(lang, e.finishMinuteOfDay) })}</p>
<p class="muted small">${t(lang, 'mon_send_capacity', { n: n(e.capacityPerDay ?? 0) })}</p>`;
  const warning =
    e.status === 'over'
      ? html`<p class="flash error" id="send-warning" data-status="over">${t(lang, 'mon_send_over', { n: n(e.messages), cap: n(e.capacityPerDay ?? 0) })}</p>`
      : e.status === 'late'
        ? html`<p class="flash error" id="send-warning" data-status="late">${t(lang, 'mon_send_late')}</p>`
        : '';
  return html`<section class="card send-estimate" id="send-estimate" data-checkins="${checkIns}" data-minutes="${e.minutes}" data-status="${e.status}"><h2>${t(lang, 'mon_send_title')}</h2>${body}${warning}</section>`;
}

function rosterRow(lang: UiLang, r: TodayRow, tz: string): Html {
  const e = r.enrolment;
  const active = e.status === 'active';
  const c = r.lastCheckin;
  const last = c === null ? html`<span class="muted">${t(lang, 'mon_never')}</span>` : c.answeredAt !== null ? t(lang, 'mon_answered', { time: formatTime(lang, c.answeredAt, tz) }) : html`<span class="warn-text">${t(lang, 'mon_not_answered', { date: c.date })}</span>`;
  return html`<tr data-enrolment-id="${e.id}" data-stage="${r.stage}">
  <td><a href="/coord/contacts/${e.contactId}">${r.name}</a>${r.conversationId !== null ? html` <a class="small open-chat" href="/inbox/c/${r.conversationId}">${t(lang, 'mon_open_chat')}</a>` : ''}</td>
  <td>${r.phone ?? html`<span class="muted">${t(lang, 'mon_no_phone')}</span>`}</td>
  <td>${r.area ?? '—'}</td>
  <td><span class="badge stage-${r.stage}">${stageText(lang, r.stage)}</span></td>
  <td class="day">${active && r.day >= 1 ? t(lang, 'mon_day_of', { n: Math.min(r.day, r.days), m: r.days }) : '—'}${active && r.testDay ? html` <span class="badge test-day">${t(lang, 'mon_test_day')}</span>` : ''}</td>
  <td>${e.quarantineEnd}</td>
  <td>${last}</td>
  <td>${r.namedBy ? html`<a href="/coord/cases/${r.namedBy.caseId}">${r.namedBy.externalId}</a>` : '—'}</td>
</tr>`;
}

/** The query string of the page for a stage and an area. */
function pageUrl(stage: MonitoringStage | undefined, area: string | undefined): string {
  const qs = new URLSearchParams({ ...(stage ? { stage } : {}), ...(area ? { area } : {}) }).toString();
  return `/coord/monitoring${qs ? `?${qs}` : ''}`;
}

function policyForm(req: FastifyRequest, p: MonitoringPolicy): Html {
  const lang = req.lang;
  const num = (name: keyof MonitoringPolicy, label: MsgKey, min: number, max: number) =>
    html`<label>${t(lang, label)}<input type="number" class="num" name="${name}" min="${min}" max="${max}" value="${String(p[name])}" required></label>`;
  return html`<section class="card" id="policy"><h2>${t(lang, 'mon_policy_title')}</h2>
<p class="muted small" id="policy-current">${t(lang, 'mon_policy_current', { days: p.quarantineDays, tests: `${p.entryTestDay}, ${p.exitTestDay}`, hour: String(p.checkinHour).padStart(2, '0') })}</p>
<form method="post" action="/coord/monitoring/policy" class="grid-form policy-form">${csrfField(req)}
  ${num('quarantineDays', 'mon_policy_days', 1, 60)}
  ${num('entryTestDay', 'mon_policy_entry_test', 0, 60)}
  ${num('exitTestDay', 'mon_policy_exit_test', 1, 60)}
  ${num('checkinHour', 'mon_policy_hour', 0, 23)}
  <button type="submit">${t(lang, 'mon_policy_save')}</button>
</form>
<p class="muted small">${t(lang, 'mon_policy_note')}</p></section>`;
}

/** The page body. */
export function monitoringBody(req: FastifyRequest, o: { data: MonitoringToday; policy: MonitoringPolicy; channel: keyof typeof CHANNEL_KEY | null; area?: string; stage?: MonitoringStage; limit: number; timeZone: string; flowIds: { notify: string; checkin: string } }): Html {
  const lang = req.lang;
  const d = o.data;
  const all = ROSTER_STAGES.reduce((s, k) => s + d.counts[k], 0);
  const chip = (stage: MonitoringStage | undefined, label: string, n: number) =>
    html`<a class="chip ${o.stage === stage ? 'on' : ''}" href="${pageUrl(stage, o.area)}" data-stage="${stage ?? 'all'}">${label} <strong class="n">${n}</strong></a>`;
  return html`<div class="flow-head"><h1>${t(lang, 'mon_title')}</h1><span class="muted">${t(lang, 'mon_today', { date: d.today })}</span></div>
<p class="muted">${t(lang, 'mon_intro')}</p>
<form method="get" action="/coord/monitoring" class="grid-form area-form">
  ${o.stage ? html`<input type="hidden" name="stage" value="${o.stage}">` : ''}
  <label>${t(lang, 'mon_area')}<select name="area" id="area-filter"><option value="">${t(lang, 'mon_all_areas')}</option>${d.areas.map((a) => html`<option value="${a}" ${a === o.area ? 'selected' : ''}>${a}</option>`)}</select></label>
  <button type="submit">${t(lang, 'mon_filter')}</button>
</form>
<nav class="chips stage-chips" id="stage-chips">${chip(undefined, t(lang, 'mon_stage_all'), all)}${ROSTER_STAGES.map((s) => chip(s, stageText(lang, s), d.counts[s]))}</nav>
${sendCard(lang, d.estimate, d.checkIns, o.channel, o.policy.checkinHour)}
<section class="card roster-card"><h2>${t(lang, 'mon_roster')}</h2>
${d.rows.length === 0
  ? html`<p class="empty">${t(lang, 'mon_roster_none')}</p>`
  : html`<div class="scroll-x"><table class="roster" id="roster"><thead><tr><th>${t(lang, 'mon_col_contact')}</th><th>${t(lang, 'mon_col_phone')}</th><th>${t(lang, 'mon_col_area')}</th><th>${t(lang, 'mon_col_stage')}</th><th>${t(lang, 'mon_col_day')}</th><th>${t(lang, 'mon_col_until')}</th><th>${t(lang, 'mon_col_last_checkin')}</th><th>${t(lang, 'mon_col_named_by')}</th></tr></thead>
<tbody>${d.rows.map((r) => rosterRow(lang, r, o.timeZone))}</tbody></table></div>${d.total > d.rows.length ? html`<p class="muted small">${t(lang, 'mon_roster_more', { n: d.rows.length })}</p>` : ''}`}
</section>
<div class="case-grid">
${policyForm(req, o.policy)}
<section class="card" id="monitoring-flows"><h2>${t(lang, 'mon_flows_title')}</h2><p class="muted small">${t(lang, 'mon_flows_note')}</p>
<ul class="plain"><li><a href="/coord/flows/${o.flowIds.notify}">${t(lang, 'mon_flow_notification')}</a></li>
<li><a href="/coord/flows/${o.flowIds.checkin}">${t(lang, 'mon_flow_checkin')}</a></li></ul></section>
</div>`;
}
