import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasRole, listActiveUsers } from '../../services/accounts/index.js';
import { getConversationView, listMessages, RESOLVE_OUTCOMES, type ConversationView, type FlowStepOption, type TranscriptMessage } from '../../services/inbox/index.js';
import type { WebContext } from '../context.js';
import { html, trusted, type Html } from '../html.js';
import { chatMarkup } from '../chat-markup.js';
import { formatDuration, t, type UiLang } from '../i18n.js';
import { csrfField, formatTime, tKey } from '../layout.js';
import { answerGlossary } from '../../services/answer-glossary.js';
import { answerEditControl, answerLabel, answerValue, isItemList, reasonDetail } from './answers.js';
import { monitoringHistory } from './monitoring-history.js';

/** The live regions of the conversation page; each is fetched alone at `/inbox/c/:id/part/:name`. */
export const PARTS = ['head', 'transcript', 'composer', 'side'] as const;
export type Part = (typeof PARTS)[number];

const ChoicesPayload = z.object({ choices: z.array(z.object({ label: z.string() })) }).passthrough();
const MediaPayload = z.object({ media: z.string().optional(), caption: z.string().optional(), kind: z.string().optional() }).passthrough();
const ContactsPayload = z.object({ contacts: z.array(z.object({ name: z.string(), phone: z.string() })) }).passthrough();
const LocationPayload = z.object({ latitude: z.number(), longitude: z.number() }).passthrough();

function parsePayload<T>(schema: z.ZodType<T>, payload: string | null): T | undefined {
  if (!payload) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(payload));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function messageBody(lang: UiLang, m: TranscriptMessage): Html {
  if (m.kind === 'start') return html`<div class="text muted">/start${m.text ? ` ${m.text}` : ''}</div>`;
  if (m.kind === 'media') {
    const p = parsePayload(MediaPayload, m.payload);
    return html`<div class="text"><span class="muted">${t(lang, 'media_message', { kind: p?.media ?? p?.kind ?? 'media' })}</span>${p?.caption || m.text ? html` ${p?.caption ?? m.text}` : ''}</div>`;
  }
  if (m.kind === 'contacts') {
    const p = parsePayload(ContactsPayload, m.payload);
    if (p) return html`<ul class="text cards">${p.contacts.map((c) => html`<li>${c.name} · ${c.phone}</li>`)}</ul>`;
  }
  if (m.kind === 'location') {
    const p = parsePayload(LocationPayload, m.payload);
    if (p) return html`<div class="text">📍 ${p.latitude.toFixed(5)}, ${p.longitude.toFixed(5)}</div>`;
  }
  const choices = m.direction === 'out' ? parsePayload(ChoicesPayload, m.payload)?.choices : undefined;
  return html`<div class="text">${chatMarkup(m.text ?? '')}</div>${choices?.length ? html`<div class="choices">${choices.map((c) => html`<span class="chip">${c.label}</span>`)}</div>` : ''}`;
}

/** The transcript: both directions, bot messages marked, tracers named, notes set apart, delivery status on replies. */
export function transcriptPart(req: FastifyRequest, ctx: WebContext, conversationId: number): Html {
  const lang = req.lang;
  const msgs = listMessages(ctx.repos, conversationId);
  if (!msgs.length) return html`<p class="empty">${t(lang, 'no_items')}</p>`;
  return html`${msgs.map((m) => {
    const who =
      m.direction === 'note'
        ? `${t(lang, 'note_label')} · ${m.authorName ?? ''}`
        : m.sender === 'patient'
          ? t(lang, 'sender_patient')
          : m.sender === 'bot'
            ? t(lang, 'sender_bot')
            : m.sender === 'system'
              ? t(lang, 'sender_system')
              : (m.authorName ?? '?');
    const status = m.direction === 'out' && m.status !== 'received' ? html`<span class="status st-${m.status}" data-status="${m.status}">${tKey(lang, `msg_${m.status}`, m.status)}</span>` : '';
    return html`<article class="msg ${m.direction} sender-${m.sender}" id="m-${m.id}" data-message-id="${m.id}">
  <div class="meta"><span class="who">${m.sender === 'bot' ? html`<span class="badge bot">BOT</span> ` : ''}${who}</span> <time>${formatTime(lang, m.createdAt, ctx.config.TIMEZONE)}</time> ${status}</div>
  ${messageBody(lang, m)}
</article>`;
  })}`;
}

function ownerText(lang: UiLang, v: ConversationView, meId: number): string {
  const c = v.conversation;
  if (c.owner === 'closed') return t(lang, 'owner_closed');
  if (c.owner === 'bot') return t(lang, 'owner_bot');
  if (c.assigneeId === null) return t(lang, 'owner_queue');
  return t(lang, 'owner_tracer', { name: c.assigneeId === meId ? t(lang, 'you') : (v.assigneeName ?? `#${c.assigneeId}`) });
}

function stepLabel(lang: UiLang, s: FlowStepOption): string {
  const text = s.text?.[lang] ?? s.text?.id ?? s.text?.en;
  return text ? `${s.id} — ${text.length > 60 ? `${text.slice(0, 57)}…` : text}` : s.id;
}

/** Header: who the patient is, who holds the chat, and the actions the signed-in user may take. */
export async function headPart(req: FastifyRequest, ctx: WebContext, v: ConversationView): Promise<Html> {
  const lang = req.lang;
  const me = req.auth!.user;
  const c = v.conversation;
  const esc = v.escalation ?? v.lastEscalation;
  const mine = c.owner === 'tracer' && c.assigneeId === me.id;
  const coordinator = hasRole(me.role, 'coordinator');
  const action = (path: string, label: string, cls = '', extra: Html | string = '') =>
    html`<form method="post" action="/inbox/c/${c.id}/${path}" class="inline action">${csrfField(req)}${extra}<button type="submit" class="${cls}" data-action="${path}">${label}</button></form>`;
  const actions: Html[] = [];
  if (c.owner === 'bot') actions.push(action('claim', t(lang, 'take_over'), 'primary'));
  if (c.owner === 'tracer' && c.assigneeId === null) actions.push(action('claim', t(lang, 'claim'), 'primary'));
  if (c.owner === 'tracer' && c.assigneeId !== null && !mine && coordinator) {
    actions.push(action('take-over', t(lang, 'take_over_other', { name: v.assigneeName ?? `#${c.assigneeId}` }), 'primary'));
  }
  if (c.owner === 'tracer' && c.assigneeId !== null && (mine || coordinator)) {
    const users = listActiveUsers(ctx.repos).filter((u) => u.id !== c.assigneeId);
    if (users.length) {
      actions.push(
        action('transfer', t(lang, 'transfer'), '', html`<select name="to" aria-label="${t(lang, 'transfer_to')}">${users.map((u) => html`<option value="${u.id}">${u.name} (${tKey(lang, `role_${u.role}`, u.role)})</option>`)}</select>`),
      );
    }
    actions.push(action('release', t(lang, 'release')));
    const steps = await ctx.flowSteps(c.flowId, c.flowVersion);
    actions.push(
      action(
        'hand-back',
        t(lang, 'hand_back'),
        '',
        html`<select name="stepId" aria-label="${t(lang, 'hand_back_at')}"><option value="">${t(lang, 'current_step')}${c.stepId ? ` (${c.stepId})` : ''}</option>${steps.map((s) => html`<option value="${s.id}">${stepLabel(lang, s)}</option>`)}</select>`,
      ),
    );
  }
  if (c.owner !== 'closed' && (mine || (coordinator && c.owner === 'tracer'))) {
    actions.push(
      action('resolve', t(lang, 'resolve'), 'danger', html`<select name="outcome" aria-label="${t(lang, 'outcome')}">${RESOLVE_OUTCOMES.map((o) => html`<option value="${o}">${t(lang, `outcome_${o}`)}</option>`)}</select>`),
    );
  }
  const name = v.case?.name ?? c.channelUserId;
  return html`<div class="head-row">
  <a href="/inbox" class="back">${t(lang, 'back_to_queue')}</a>
  <h1>${name}</h1>
  <span class="badge">${c.channel}</span>
  <span class="owner owner-${c.owner}" id="owner-text">${ownerText(lang, v, me.id)}</span>
</div>
${esc ? html`<p class="esc">${t(lang, 'escalation')}: <strong>${tKey(lang, `reason_${esc.reason}`, esc.reason)}</strong> <span class="badge prio-${esc.priority}">${tKey(lang, `priority_${esc.priority}`, esc.priority)}</span> · ${tKey(lang, `status_${esc.status}`, esc.status)}${esc.status === 'resolved' ? (esc.outcome ? ` · ${tKey(lang, `outcome_${esc.outcome}`, esc.outcome)}` : '') : ` · ${t(lang, 'col_waiting')} ${formatDuration(lang, ctx.clock() - esc.waitingSince)}`}${esc.detail ? html` <span class="muted">— ${reasonDetail(lang, esc.detail)}</span>` : ''}</p>` : ''}
<div class="actions">${actions}</div>
<p class="shortcuts muted small"><strong>${t(lang, 'shortcuts_title')}:</strong> ${t(lang, 'shortcuts_chat')}</p>`;
}

/** The reply box (only for the holder) with canned replies in both languages, and the internal-note box. */
export function composerPart(req: FastifyRequest, ctx: WebContext, v: ConversationView): Html {
  const lang = req.lang;
  const c = v.conversation;
  const mine = c.owner === 'tracer' && c.assigneeId === req.auth!.user.id;
  const patientLang = c.lang;
  const order = patientLang === 'en' ? (['en', 'id'] as const) : (['id', 'en'] as const);
  const canned = html`<select data-canned="reply-text" aria-label="${t(lang, 'canned')}"><option value="">${t(lang, 'canned')}</option>${order.map(
    (l) => html`<optgroup label="${l.toUpperCase()}">${ctx.cannedReplies[l].map((r) => html`<option value="${r.text}">${r.title}</option>`)}</optgroup>`,
  )}</select>`;
  const replyBox = mine
    ? html`<form method="post" action="/inbox/c/${c.id}/reply" class="reply" id="reply-form">${csrfField(req)}
  <div class="row">${canned}</div>
  <textarea name="text" id="reply-text" rows="3" maxlength="4000" placeholder="${t(lang, 'reply_placeholder')}" required></textarea>
  <button type="submit" class="primary">${t(lang, 'send')}</button>
</form>`
    : c.owner !== 'closed'
      ? html`<p class="muted">${t(lang, 'claim_to_reply')}</p>`
      : '';
  return html`${replyBox}
<form method="post" action="/inbox/c/${c.id}/note" class="note" id="note-form">${csrfField(req)}
  <textarea name="text" rows="2" maxlength="4000" placeholder="${t(lang, 'note_placeholder')}" required></textarea>
  <button type="submit">${t(lang, 'add_note')}</button>
</form>`;
}

function answerText(lang: UiLang, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? t(lang, 'yes') : t(lang, 'no');
  if (Array.isArray(value)) return value.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const SETTINGS = ['household', 'workplace', 'school', 'health_facility', 'worship', 'transport', 'social', 'other'];

/** Case details, answers and contacts; editable by the holder and by coordinators. */
export function sidePart(req: FastifyRequest, ctx: WebContext, v: ConversationView): Html {
  const lang = req.lang;
  const me = req.auth!.user;
  const c = v.conversation;
  const canEdit = (c.owner === 'tracer' && c.assigneeId === me.id) || hasRole(me.role, 'coordinator');
  const k = v.case;
  const caseBlock = html`<section class="card"><h2>${t(lang, 'case_details')}</h2><dl>
  ${k ? html`<dt>${t(lang, 'name')}</dt><dd>${k.name}</dd><dt>${t(lang, 'external_id')}</dt><dd>${k.externalId}</dd>
  <dt>${t(lang, 'phone')}</dt><dd>${k.phone ?? '—'}</dd><dt>${t(lang, 'area')}</dt><dd>${k.area ?? '—'}</dd>
  <dt>${t(lang, 'test_date')}</dt><dd>${k.testDate ?? '—'}</dd><dt>${t(lang, 'case_status')}</dt><dd>${tKey(lang, `case_status_${k.status}`, k.status)}</dd>` : ''}
  <dt>${t(lang, 'flow')}</dt><dd>${c.flowId} v${c.flowVersion}</dd><dt>${t(lang, 'step')}</dt><dd>${c.stepId ?? '—'}</dd>
  <dt>${t(lang, 'language')}</dt><dd>${c.lang === 'en' ? 'English' : 'Bahasa Indonesia'}</dd>
</dl>${k ? '' : html`<form method="post" action="/inbox/c/${c.id}/link-case" class="stack small" id="link-case-form">${csrfField(req)}<label>${t(lang, 'all_conv_link_title')}<input name="case" required placeholder="${t(lang, 'all_conv_case_number')}"></label><button type="submit">${t(lang, 'all_conv_link')}</button></form>`}</section>`;
  const glossary = answerGlossary([ctx.flows.get(c.flowId, c.flowVersion) ?? []].flat());
  const answers = html`<section class="card" id="answers"><h2>${t(lang, 'answers')}</h2>${
    v.answers.length === 0
      ? html`<p class="muted">${t(lang, 'no_answers')}</p>`
      : html`<table class="kv">${v.answers
          .filter((a) => !Array.isArray(a.value) || a.value.every((x) => typeof x !== 'object'))
          .map(
            (a) => html`<tr><th data-key="${a.key}">${answerLabel(lang, a.key, glossary.get(a.key))}</th><td>${
              canEdit
                ? html`<form method="post" action="/inbox/c/${c.id}/answer" class="inline-edit">${csrfField(req)}<input type="hidden" name="key" value="${a.key}">${answerEditControl(lang, a.key, a.value, glossary.get(a.key), html`<input name="value" value="${answerText(lang, a.value)}" aria-label="${answerLabel(lang, a.key, glossary.get(a.key))}">`)}<button type="submit">${t(lang, 'save')}</button></form>`
                : answerValue(lang, a.value, glossary.get(a.key))
            }${a.updatedByName ? html`<div class="muted small">${t(lang, 'edited_by', { name: a.updatedByName })}</div>` : ''}</td></tr>`,
          )}</table>`
  }</section>`;
  // Without a case, collected lists reach no registry yet: show them here so a tracer sees them before linking the chat.
  const unlinkedLists = k ? [] : v.answers.filter((a) => isItemList(a.value));
  const lists = unlinkedLists.length
    ? html`<section class="card" id="chat-lists">${unlinkedLists.map((a) => html`<h2>${answerLabel(lang, a.key, glossary.get(a.key))}</h2><div class="table-scroll">${answerValue(lang, a.value, glossary.get(a.key))}</div>`)}</section>`
    : '';
  const yn = (b: boolean | null) => (b === null ? '' : b ? 'yes' : 'no');
  const contacts = html`<section class="card" id="contacts"><h2>${t(lang, 'contacts')} (${v.exposures.length})</h2>${
    v.exposures.length === 0
      ? html`<p class="muted">${t(lang, 'no_contacts')}</p>`
      : v.exposures.map((x) =>
          canEdit
            ? html`<details class="contact"><summary>${x.name} · ${x.phone ?? '—'} · ${x.setting ? tKey(lang, `setting_${x.setting}`, x.setting) : ''}</summary>
  <form method="post" action="/inbox/c/${c.id}/exposure/${x.exposureId}" class="stack small">${csrfField(req)}
    <label>${t(lang, 'name')}<input name="name" value="${x.name}" required></label>
    <label>${t(lang, 'phone')}<input name="phone" value="${x.phone ?? ''}"></label>
    <label>${t(lang, 'area')}<input name="area" value="${x.area ?? ''}"></label>
    <label>${t(lang, 'setting')}<select name="setting"><option value=""></option>${SETTINGS.map((s) => html`<option value="${s}" ${x.setting === s ? 'selected' : ''}>${tKey(lang, `setting_${s}`, s)}</option>`)}</select></label>
    <label>${t(lang, 'last_contact')}<input type="date" name="lastContactDate" value="${x.lastContactDate ?? ''}"></label>
    <label>${t(lang, 'symptoms')}<select name="hasSymptoms"><option value="" ${x.hasSymptoms === null ? 'selected' : ''}>${t(lang, 'unknown')}</option><option value="yes" ${x.hasSymptoms === true ? 'selected' : ''}>${t(lang, 'yes')}</option><option value="no" ${x.hasSymptoms === false ? 'selected' : ''}>${t(lang, 'no')}</option></select></label>
    <button type="submit">${t(lang, 'save')}</button>
  </form></details>`
            : html`<div class="contact">${x.name} · ${x.phone ?? '—'} · ${x.setting ? tKey(lang, `setting_${x.setting}`, x.setting) : ''} · ${x.lastContactDate ?? ''} · ${t(lang, 'symptoms')}: ${yn(x.hasSymptoms) ? t(lang, yn(x.hasSymptoms) as 'yes' | 'no') : t(lang, 'unknown')}</div>`,
        )
  }</section>`;
  return html`${caseBlock}${monitoringHistory(req, ctx, c)}${answers}${lists}${contacts}`;
}

/** One live region of the page, or undefined when the conversation does not exist. */
export async function renderPart(req: FastifyRequest, ctx: WebContext, conversationId: number, part: Part): Promise<Html | undefined> {
  if (part === 'transcript') return getConversationView(ctx.repos, conversationId) ? transcriptPart(req, ctx, conversationId) : undefined;
  const v = getConversationView(ctx.repos, conversationId);
  if (!v) return undefined;
  if (part === 'head') return headPart(req, ctx, v);
  if (part === 'composer') return composerPart(req, ctx, v);
  return sidePart(req, ctx, v);
}

/** The whole conversation page body: each region carries the URL it refreshes from when a live event concerns this chat. */
export async function conversationBody(req: FastifyRequest, ctx: WebContext, conversationId: number): Promise<Html | undefined> {
  const v = getConversationView(ctx.repos, conversationId);
  if (!v) return undefined;
  const region = (part: Part, inner: Html, tag = 'div') =>
    html`<${trustedTag(tag)} id="conv-${part}" class="region-${part}" data-live="${part}" hx-get="/inbox/c/${conversationId}/part/${part}" hx-trigger="live-refresh" hx-swap="innerHTML">${inner}</${trustedTag(tag)}>`;
  return html`<div class="conv" data-conversation-id="${conversationId}">
  <section class="conv-main">
    ${region('head', await headPart(req, ctx, v))}
    ${region('transcript', transcriptPart(req, ctx, conversationId))}
    ${region('composer', composerPart(req, ctx, v))}
  </section>
  ${region('side', sidePart(req, ctx, v), 'aside')}
</div>`;
}

function trustedTag(tag: string): Html {
  return trusted(tag === 'aside' ? 'aside' : 'div');
}
