import type { SubjectExport } from '../../services/privacy/index.js';
import { html, type Html } from '../html.js';
import { hasKey, t, type MsgKey, type UiLang } from '../i18n.js';
import { formatTime, tKey } from '../layout.js';

type Row = Record<string, unknown>;

/** The subject as an admin typed it, for headings (a case by its id). */
export function subjectLabel(e: Pick<SubjectExport, 'subject'>): string {
  return e.subject.kind === 'phone' ? e.subject.phone : `#${e.subject.caseId}`;
}

function cell(lang: UiLang, v: unknown): Html | string {
  if (v === null || v === undefined || v === '') return html`<span class="muted">${t(lang, 'pv_removed')}</span>`;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function time(lang: UiLang, v: unknown, tz: string): string {
  return typeof v === 'number' ? formatTime(lang, v, tz) : '';
}

/** A stored column under its name in the reader's language (the database name stays as a hint for the JSON file). */
function label(lang: UiLang, column: string): Html {
  const key = `pv_col_${column}`;
  return hasKey(key) ? html`${t(lang, key)} <code class="muted small">${column}</code>` : html`<code>${column}</code>`;
}

/** A value as stored; times (epoch ms, in columns ending `_at`) in the deployment's time zone. */
function value(lang: UiLang, column: string, v: unknown, tz: string): Html | string {
  return (column.endsWith('_at') || column === 'at') && typeof v === 'number' ? time(lang, v, tz) : cell(lang, v);
}

/** A record as a two-column table (field, value), every stored column of it. */
function recordTable(lang: UiLang, row: Row, tz: string, skip: readonly string[] = []): Html {
  const entries = Object.entries(row).filter(([k]) => !skip.includes(k));
  return html`<table class="privacy-record"><thead><tr><th>${t(lang, 'pv_field')}</th><th>${t(lang, 'pv_value')}</th></tr></thead>
<tbody>${entries.map(([k, v]) => html`<tr><th scope="row">${label(lang, k)}</th><td>${value(lang, k, v, tz)}</td></tr>`)}</tbody></table>`;
}

function section(lang: UiLang, key: MsgKey, rows: Row[], body: (rows: Row[]) => Html): Html {
  return html`<section class="privacy-section" data-section="${key}"><h2>${t(lang, key)} (${rows.length})</h2>${rows.length ? body(rows) : html`<p class="muted">${t(lang, 'pv_none')}</p>`}</section>`;
}

/**
 * A person's export as a readable page body: every stored record, grouped (cases, chats with their transcripts and answers,
 * contact records, exposures, places, requests for a person, the audit log, what was removed already). Texts are escaped.
 */
export function subjectView(lang: UiLang, e: SubjectExport, tz: string): Html {
  const r = e.records;
  const messagesOf = (id: unknown) => r.messages.filter((m) => m.conversation_id === id);
  const answersOf = (id: unknown) => r.answers.filter((a) => a.conversation_id === id);
  const conversation = (c: Row) => html`<article class="privacy-chat" data-conversation-id="${String(c.id)}">
<h3>${String(c.channel)} · #${String(c.id)} · ${time(lang, c.created_at, tz)}</h3>
${recordTable(lang, c, tz, ['state'])}
<h4>${t(lang, 'pv_transcript')}</h4>
<table class="privacy-transcript"><thead><tr><th>${t(lang, 'pv_when')}</th><th>${t(lang, 'pv_who')}</th><th>${t(lang, 'pv_what')}</th></tr></thead>
<tbody>${messagesOf(c.id).map((m) => html`<tr><td>${time(lang, m.created_at, tz)}</td><td>${tKey(lang, `sender_${String(m.sender)}`, String(m.sender))}</td><td>${cell(lang, m.text ?? m.payload)}</td></tr>`)}</tbody></table>
<h4>${t(lang, 'pv_answers')}</h4>
${answersOf(c.id).length
  ? html`<table class="privacy-answers"><tbody>${answersOf(c.id).map((a) => html`<tr><th scope="row"><code>${String(a.key)}</code></th><td>${cell(lang, a.value)}</td></tr>`)}</tbody></table>`
  : html`<p class="muted">${t(lang, 'pv_none')}</p>`}
</article>`;
  const list = (rows: Row[], cols: string[]) => html`<table class="privacy-list"><thead><tr>${cols.map((c) => html`<th>${label(lang, c)}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${cols.map((c) => html`<td>${value(lang, c, row[c], tz)}</td>`)}</tr>`)}</tbody></table>`;
  return html`<p class="privacy-found">${t(lang, 'pv_found', { cases: e.found.caseIds.length, conversations: e.found.conversationIds.length, contacts: e.found.contactIds.length })}</p>
${section(lang, 'pv_cases', r.cases, (rows) => html`${rows.map((c) => recordTable(lang, c, tz, ['start_code_hash']))}`)}
${section(lang, 'pv_conversations', r.conversations, (rows) => html`${rows.map(conversation)}`)}
${section(lang, 'pv_contacts', r.contacts, (rows) => html`${rows.map((c) => recordTable(lang, c, tz))}`)}
${section(lang, 'pv_exposures', r.exposures, (rows) => list(rows, ['id', 'case_id', 'contact_id', 'setting', 'last_contact_date', 'has_symptoms', 'notes', 'created_at']))}
${section(lang, 'pv_places', r.places, (rows) => list(rows, ['name', 'date', 'latitude', 'longitude', 'created_at']))}
${section(lang, 'pv_follow_up', r.followUp, (rows) => list(rows, ['id', 'contact_id', 'status', 'last_exposure_date', 'quarantine_end', 'notified_at', 'test_result', 'tested_at', 'closed_reason']))}
${section(lang, 'pv_checkins', r.checkins, (rows) => list(rows, ['enrolment_id', 'date', 'day', 'status', 'answered_at', 'has_symptoms', 'symptoms', 'test_result']))}
${section(lang, 'pv_escalations', r.escalations, (rows) => list(rows, ['id', 'conversation_id', 'reason', 'detail', 'priority', 'status', 'outcome', 'created_at', 'resolved_at']))}
${section(lang, 'pv_consent', r.consent, (rows) => list(rows, ['conversation_id', 'flow_id', 'flow_version', 'language', 'text_shown', 'answer', 'answered_at']))}
${section(lang, 'pv_audit', r.audit, (rows) => list(rows, ['at', 'actor_email', 'actor_kind', 'action', 'entity_type', 'entity_id', 'details']))}
${section(
  lang,
  'pv_redactions',
  r.redactions,
  (rows) => html`<table class="privacy-list"><tbody>${rows.map(
    (x) => html`<tr><td>${String(x.entity_type)} #${String(x.entity_id)}</td><td>${t(lang, x.reason === 'erasure' ? 'pv_reason_erasure' : 'pv_reason_retention')}</td><td>${time(lang, x.at, tz)}</td></tr>`,
  )}</tbody></table>`,
)}`;
}
