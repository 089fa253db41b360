import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { audit } from '../../../services/audit.js';
import { caseDetail } from '../../../services/case-queries.js';
import { consentCard } from '../../views/consent-card.js';
import { renewStartCode } from '../../../services/cases.js';
import { caseGuard, caseViewersSection } from '../../access-guard.js';
import { areaScope, inAreaScope } from '../../../services/accounts/index.js';
import type { WebContext } from '../../context.js';
import { html, type Html } from '../../html.js';
import { csrfField, formatTime, tKey } from '../../layout.js';
import { t, type MsgKey } from '../../i18n.js';
import { coordPage, fragmentOrPage, startLink } from './common.js';
import { answerGlossary } from '../../../services/answer-glossary.js';
import { answerLabel, answerValue, isItemList } from '../../views/answers.js';
import { BODY_LIMIT } from './import.js';

const CaseStatus = z.enum(['new', 'contacting', 'interviewing', 'completed', 'needs_call', 'unreachable', 'opted_out']);
const ListQuery = z.object({ q: z.string().max(100).optional(), status: CaseStatus.optional(), ok: z.string().optional() });
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const OutreachBody = z.object({ ids: z.string().regex(/^\d+(,\d+)*$/).max(200_000) });

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Case list, case page, a fresh start link (shown once), and "write first" outreach. */
export function caseRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');
    const caseReader = [coordinator, caseGuard(ctx)];
    const when = (lang: 'id' | 'en', ms: unknown) => (typeof ms === 'number' ? formatTime(lang, ms, ctx.config.TIMEZONE) : '—');

    app.get('/coord/cases', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const parsed = ListQuery.safeParse(req.query);
      const q = parsed.success ? parsed.data : {};
      const scope = areaScope(req.auth!.user);
      const rows = ctx.repos.cases.listRecent({ status: q.status, search: q.q }).filter((r) => !scope || inAreaScope(r.area, scope));
      const body = html`<div class="flow-head"><h1>${t(lang, 'cases_title')}</h1><a class="button primary" href="/coord/import">${t(lang, 'import_title')}</a></div>
<form method="get" action="/coord/cases" class="grid-form">
  <label>${t(lang, 'search')}<input name="q" value="${q.q ?? ''}" placeholder="${t(lang, 'search_case_hint')}"></label>
  <label>${t(lang, 'col_status')}<select name="status"><option value="">—</option>${CaseStatus.options.map((s) => html`<option value="${s}"${q.status === s ? ' selected' : ''}>${t(lang, `case_status_${s}`)}</option>`)}</select></label>
  <button type="submit">${t(lang, 'filter')}</button>
</form>
${rows.length === 0
  ? html`<p class="empty">${t(lang, 'no_cases')}</p>`
  : html`<table class="cases"><thead><tr><th>${t(lang, 'col_case_id')}</th><th>${t(lang, 'col_name')}</th><th>${t(lang, 'col_area')}</th><th>${t(lang, 'col_status')}</th><th>${t(lang, 'col_confirmed')}</th><th>${t(lang, 'col_completed')}</th><th>${t(lang, 'col_contacts')}</th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-case-id="${r.id}"><td><a href="/coord/cases/${r.id}">${r.externalId}</a></td><td>${r.name}</td><td>${r.area ?? ''}</td><td><span class="badge cs-${r.status}">${tKey(lang, `case_status_${r.status}`, r.status)}</span></td><td>${when(lang, r.confirmedAt)}</td><td>${when(lang, r.interviewCompletedAt)}</td><td>${r.contacts}</td></tr>`)}</tbody></table>`}`;
      return coordPage(req, reply, { title: t(lang, 'cases_title'), body });
    });

    const casePage = async (req: FastifyRequest, reply: FastifyReply, id: number, fresh?: { code: string }) => {
      const lang = req.lang;
      const d = caseDetail(ctx.repos, id);
      if (!d) return coordPage(req, reply, { status: 404, title: t(lang, 'cases_title'), body: html`<p class="flash error">${t(lang, 'case_not_found')}</p>` });
      const link = fresh ? await startLink(ctx.deepLink, fresh.code) : undefined;
      const { contacts, conversations } = d;
      const answers = Object.entries(d.answers);
      const lists = answers.filter(([, v]) => isItemList(v));
      // The words of the flow versions this case was interviewed on, newest first.
      const glossary = answerGlossary([...[...conversations].reverse().flatMap((c) => ctx.flows.get(c.flowId, c.flowVersion) ?? []), ...[ctx.flows.latest(ctx.config.DEFAULT_FLOW)?.flow ?? []].flat()]);
      const status = str(d.status);
      const field = (k: MsgKey, v: Html | string) => html`<dt>${t(lang, k)}</dt><dd>${v}</dd>`;
      const body = html`<div class="flow-head"><h1>${str(d.name)} <span class="muted">${str(d.externalId)}</span></h1><span class="badge cs-${status}" id="case-status">${tKey(lang, `case_status_${status}`, status)}</span><a href="/coord/cases">${t(lang, 'all_cases')}</a></div>
${fresh
  ? html`<div class="card start-link-card" id="new-start-link"><h2>${t(lang, 'new_start_link')}</h2>${link ? html`<p><a href="${link.link}" class="start-link">${link.link}</a></p><img class="qr" src="${link.qr}" alt="QR" width="200" height="200">` : ''}<p>${t(lang, 'start_code_label')} <code class="start-code">${fresh.code}</code></p><p class="muted small">${t(lang, 'start_link_once', { days: ctx.config.START_CODE_TTL_DAYS })}</p></div>`
  : ''}
<div class="case-grid">
  <section class="card"><h2>${t(lang, 'case_record')}</h2><dl>
    ${field('field_phone', str(d.phone) || '—')}${field('field_dateOfBirth', str(d.dateOfBirth) || '—')}${field('field_language', d.language === 'en' ? 'English' : 'Bahasa Indonesia')}${field('field_area', str(d.area) || '—')}
    ${field('field_testDate', str(d.testDate) || '—')}${field('col_confirmed', when(lang, d.confirmedAt))}${field('col_reached', when(lang, d.firstReachedAt))}${field('col_completed', when(lang, d.interviewCompletedAt))}
    ${d.sourceContactId ? field('was_contact', html`<a href="/coord/contacts/${str(d.sourceContactId)}">${t(lang, 'contact_n', { n: str(d.sourceContactId) })}</a>`) : ''}
  </dl>
  <div class="actions">
    <form method="post" action="/coord/cases/${id}/start-link" class="inline">${csrfField(req)}<button type="submit" id="new-link-btn">${t(lang, 'new_start_link')}</button></form>
    ${ctx.outreach ? html`<form method="post" action="/coord/cases/outreach" class="inline">${csrfField(req)}<input type="hidden" name="ids" value="${id}"><input type="hidden" name="back" value="${id}"><button type="submit" id="outreach-btn">${t(lang, 'start_outreach')}</button></form>` : ''}
    ${ctx.fakePlatform && ctx.config.patientPhonePage ? html`<form method="post" action="/coord/cases/${id}/play" class="inline">${csrfField(req)}<button type="submit" id="play-btn">${t(lang, 'play_on_phone')}</button></form>` : ''}
    <a href="/coord/chains?case=${id}">${t(lang, 'show_chain')}</a>
  </div></section>
  ${consentCard(lang, d.consent, (at) => when(lang, at))}
  <section class="card"><h2>${t(lang, 'answers')}</h2>${answers.length ? html`<dl id="case-answers">${answers.filter(([, v]) => !isItemList(v)).map(([k, v]) => html`<dt data-key="${k}">${answerLabel(lang, k, glossary.get(k))}</dt><dd>${answerValue(lang, v, glossary.get(k))}</dd>`)}</dl>` : html`<p class="muted">${t(lang, 'case_no_answers')}</p>`}</section>
  <section class="card"><h2>${t(lang, 'conversations')}</h2>${conversations.length
    ? html`<ul class="plain">${conversations.map((c) => html`<li><a href="/inbox/c/${c.id}">${t(lang, 'transcript')} #${c.id}</a> · ${tKey(lang, `channel_${c.channel}`, c.channel)} · <code>${c.flowId}@v${c.flowVersion}</code> · ${c.owner === 'tracer' ? t(lang, 'owner_with_tracer') : tKey(lang, `owner_${c.owner}`, c.owner)}${c.closedReason ? ` (${tKey(lang, `closed_${c.closedReason}`, c.closedReason)})` : ''} · ${when(lang, c.createdAt)}</li>`)}</ul>`
    : html`<p class="muted">${t(lang, 'no_conversations')}</p>`}</section>
</div>
${lists.length ? html`<section class="card" id="case-answer-lists">${lists.map(([k, v]) => html`<h2 data-key="${k}">${answerLabel(lang, k, glossary.get(k))}</h2><div class="scroll-x">${answerValue(lang, v, glossary.get(k))}</div>`)}</section>` : ''}
<section class="card"><h2>${t(lang, 'contacts_named', { n: contacts.length })}</h2>${contacts.length
  ? html`<table id="case-contacts"><thead><tr><th>${t(lang, 'col_name')}</th><th>${t(lang, 'field_phone')}</th><th>${t(lang, 'col_setting')}</th><th>${t(lang, 'col_last_contact')}</th><th>${t(lang, 'col_symptoms')}</th></tr></thead><tbody>${contacts.map(
      (c) => html`<tr><td><a href="/coord/contacts/${c.contactId}">${c.name}</a></td><td>${c.phone ?? '—'}</td><td>${c.setting ? tKey(lang, `setting_${c.setting}`, c.setting) : '—'}</td><td>${c.lastContactDate ?? '—'}</td><td>${c.hasSymptoms === null ? '—' : c.hasSymptoms ? t(lang, 'yes') : t(lang, 'no')}</td></tr>`,
    )}</tbody></table>`
  : html`<p class="muted">${t(lang, 'no_contacts_named')}</p>`}</section>
${caseViewersSection(ctx, req, id)}`;
      return coordPage(req, reply, { title: `${str(d.name)} · ${str(d.externalId)}`, body });
    };

    app.get('/coord/cases/:id', { preHandler: caseReader }, async (req, reply) => casePage(req, reply, IdParams.parse(req.params).id));

    app.post('/coord/cases/:id/start-link', { preHandler: caseReader }, async (req, reply) => {
      const { id } = IdParams.parse(req.params);
      const now = ctx.clock();
      const code = renewStartCode(ctx.repos, id, { now, startCodeTtlMs: ctx.config.START_CODE_TTL_DAYS * 86_400_000 });
      if (!code) return casePage(req, reply, id);
      audit(ctx.repos, { actorKind: 'user', actorId: req.auth!.user.id, action: 'case.start_link', entityType: 'case', entityId: id, ip: req.ip }, now);
      return casePage(req, reply, id, { code });
    });

    app.post('/coord/cases/outreach', { preHandler: coordinator, bodyLimit: BODY_LIMIT }, async (req, reply) => {
      const lang = req.lang;
      const body = OutreachBody.parse(req.body);
      const back = z.coerce.number().int().positive().safeParse((req.body as { back?: unknown }).back);
      const ids = [...new Set(body.ids.split(',').map(Number))];
      if (!ctx.outreach) {
        const frag = html`<p class="flash error">${t(lang, 'no_outreach_channel')}</p>`;
        return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'start_outreach'), body: frag }), 409);
      }
      await ctx.outreach(ids);
      audit(ctx.repos, { actorKind: 'user', actorId: req.auth!.user.id, action: 'case.outreach', entityType: 'case', details: { caseIds: ids.slice(0, 1000) }, ip: req.ip }, ctx.clock());
      if (back.success && !req.headers['hx-request']) return reply.redirect(`/coord/cases/${back.data}?ok=outreach_requested`, 303);
      const frag = html`<p class="flash ok" id="outreach-started">${t(lang, 'outreach_started', { n: ids.length })}</p>`;
      return fragmentOrPage(req, reply, frag, () => ({ title: t(lang, 'start_outreach'), body: frag }));
    });
  };
}
