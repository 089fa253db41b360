import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { chainGraph, getContact, likelyDuplicates, listRegistry, mergeContacts, mergedInto, type ContactExposure, type RegistryContact } from '../../../services/coordinator/index.js';
import { getMonitoringPolicy } from '../../../services/monitoring/index.js';
import type { WebContext } from '../../context.js';
import { html, type Html } from '../../html.js';
import { csrfField, tKey } from '../../layout.js';
import { chainSvg } from '../../views/coordinator/chain-graph.js';
import { t } from '../../i18n.js';
import { coordPage } from './common.js';
import { duplicateWhy } from '../../views/coordinator/duplicate-why.js';

const PAGE = 100;
const ListQuery = z.object({ q: z.string().max(100).optional(), page: z.coerce.number().int().min(1).max(100_000).default(1) });
const IdParams = z.object({ id: z.coerce.number().int().positive() });
const MergeBody = z.object({ keep: z.coerce.number().int().positive(), merge: z.coerce.number().int().positive() });

function exposureList(lang: 'id' | 'en', ex: ContactExposure[]): Html {
  return html`<ul class="exposures plain">${ex.map(
    (e) => html`<li data-exposure="${e.exposureId}"><a href="/coord/cases/${e.caseId}">${e.caseExternalId}</a> ${e.caseName} · ${e.setting ? tKey(lang, `setting_${e.setting}`, e.setting) : '—'} · ${e.lastContactDate ?? '—'}</li>`,
  )}</ul>`;
}

function contactRow(lang: 'id' | 'en', c: RegistryContact): Html {
  return html`<tr data-contact-id="${c.id}" data-exposures="${c.exposures.length}">
  <td><a href="/coord/contacts/${c.id}">${c.name}</a></td><td>${c.phone ?? '—'}</td><td>${c.area ?? '—'}</td>
  <td><span class="count">${c.exposures.length}</span>${exposureList(lang, c.exposures)}</td>
  <td class="quarantine">${c.quarantineUntil ?? '—'}</td>
  <td>${c.becameCaseId ? html`<a href="/coord/cases/${c.becameCaseId}" class="badge cs-interviewing">${t(lang, 'became_case')}</a>` : ''}</td>
</tr>`;
}

/** The contacts registry with likely duplicates to merge, a contact's page, merges (audited) and transmission chains. */
export function contactRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');
    // The end of quarantine shown is the monitoring policy's (one home: coordinators change it there).
    const days = () => getMonitoringPolicy(ctx.repos, ctx.config.monitoringPolicy).quarantineDays;

    app.get('/coord/contacts', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const parsed = ListQuery.safeParse(req.query);
      const q = parsed.success ? parsed.data : { page: 1 };
      const { total, contacts } = listRegistry(ctx.repos, { quarantineDays: days(), ...(q.q ? { search: q.q } : {}), limit: PAGE, offset: (q.page - 1) * PAGE });
      const dups = q.page === 1 && !q.q ? likelyDuplicates(ctx.repos, { limit: 50 }) : [];
      const person = (p: { id: number; name: string; phone: string | null; area: string | null }) =>
        html`<a href="/coord/contacts/${p.id}">${p.name}</a> <span class="muted small">${p.phone ?? t(lang, 'no_phone')} · ${p.area ?? '—'}</span>`;
      const mergeForm = (keep: number, merge: number, label: string) =>
        html`<form method="post" action="/coord/contacts/merge" class="inline">${csrfField(req)}<input type="hidden" name="keep" value="${keep}"><input type="hidden" name="merge" value="${merge}"><button type="submit" class="small-btn merge-btn">${label}</button></form>`;
      const pages = Math.max(1, Math.ceil(total / PAGE));
      const qs = (p: number) => `/coord/contacts?${new URLSearchParams({ ...(q.q ? { q: q.q } : {}), page: String(p) }).toString()}`;
      const body = html`<div class="flow-head"><h1>${t(lang, 'contacts_title')}</h1><a href="/coord/chains">${t(lang, 'chains_title')}</a></div>
<p class="muted">${t(lang, 'contacts_intro', { days: days() })}</p>
${dups.length
  ? html`<section class="card dups" id="duplicates"><h2>${t(lang, 'likely_duplicates', { n: dups.length })}</h2><p class="muted small">${t(lang, 'duplicates_note')}</p>
<table><thead><tr><th>A</th><th>B</th><th>${t(lang, 'col_similarity')}</th><th></th></tr></thead><tbody>${dups.map(
      (d) => html`<tr data-pair="${d.a.id}-${d.b.id}"><td>${person(d.a)}</td><td>${person(d.b)}</td><td class="dup-why">${duplicateWhy(lang, d)}</td><td><div class="row-actions">${mergeForm(d.a.id, d.b.id, t(lang, 'merge_into', { name: d.a.name }))}${mergeForm(d.b.id, d.a.id, t(lang, 'merge_into', { name: d.b.name }))}</div></td></tr>`,
    )}</tbody></table></section>`
  : ''}
<form method="get" action="/coord/contacts" class="grid-form">
  <label>${t(lang, 'search')}<input name="q" value="${q.q ?? ''}" placeholder="${t(lang, 'search_contact_hint')}"></label>
  <button type="submit">${t(lang, 'filter')}</button>
  <span class="muted">${t(lang, 'n_contacts', { n: total })}</span>
</form>
${contacts.length === 0
  ? html`<p class="empty">${t(lang, 'contacts_none')}</p>`
  : html`<table class="registry" id="registry"><thead><tr><th>${t(lang, 'col_name')}</th><th>${t(lang, 'field_phone')}</th><th>${t(lang, 'col_area')}</th><th>${t(lang, 'col_exposures')}</th><th>${t(lang, 'col_quarantine_until')}</th><th></th></tr></thead><tbody>${contacts.map((c) => contactRow(lang, c))}</tbody></table>`}
${pages > 1 ? html`<nav class="pager">${q.page > 1 ? html`<a href="${qs(q.page - 1)}">←</a>` : ''} ${q.page} / ${pages} ${q.page < pages ? html`<a href="${qs(q.page + 1)}">→</a>` : ''}</nav>` : ''}`;
      return coordPage(req, reply, { title: t(lang, 'contacts_title'), body });
    });

    app.get('/coord/contacts/:id', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const { id } = IdParams.parse(req.params);
      const c = getContact(ctx.repos, id, days());
      if (!c) {
        const into = mergedInto(ctx.repos, id);
        if (into) return reply.redirect(`/coord/contacts/${into}`, 303);
        return coordPage(req, reply, { status: 404, title: t(lang, 'contacts_title'), body: html`<p class="flash error">${t(lang, 'contact_not_found')}</p>` });
      }
      const body = html`<div class="flow-head"><h1>${c.name}</h1><a href="/coord/contacts">${t(lang, 'all_contacts')}</a></div>
<div class="case-grid">
<section class="card"><dl>
  <dt>${t(lang, 'field_phone')}</dt><dd>${c.phone ?? '—'}</dd><dt>${t(lang, 'col_area')}</dt><dd>${c.area ?? '—'}</dd>
  <dt>${t(lang, 'col_symptoms')}</dt><dd>${c.hasSymptoms === null ? '—' : c.hasSymptoms ? t(lang, 'yes') : t(lang, 'no')}</dd>
  <dt>${t(lang, 'col_last_contact')}</dt><dd>${c.lastContactDate ?? '—'}</dd>
  <dt>${t(lang, 'col_quarantine_until')}</dt><dd id="quarantine-until">${c.quarantineUntil ?? '—'}</dd>
  ${c.becameCaseId ? html`<dt>${t(lang, 'became_case')}</dt><dd><a href="/coord/cases/${c.becameCaseId}">${t(lang, 'case_n', { n: c.becameCaseId })}</a></dd>` : ''}
</dl></section>
<section class="card"><h2>${t(lang, 'exposures_n', { n: c.exposures.length })}</h2>
<table id="contact-exposures"><thead><tr><th>${t(lang, 'col_case_id')}</th><th>${t(lang, 'col_name')}</th><th>${t(lang, 'col_setting')}</th><th>${t(lang, 'col_last_contact')}</th><th>${t(lang, 'col_symptoms')}</th></tr></thead><tbody>${c.exposures.map(
        (e) => html`<tr data-exposure="${e.exposureId}"><td><a href="/coord/cases/${e.caseId}">${e.caseExternalId}</a></td><td>${e.caseName}</td><td>${e.setting ? tKey(lang, `setting_${e.setting}`, e.setting) : '—'}</td><td>${e.lastContactDate ?? '—'}</td><td>${e.hasSymptoms === null ? '—' : e.hasSymptoms ? t(lang, 'yes') : t(lang, 'no')}</td></tr>`,
      )}</tbody></table></section>
</div>`;
      return coordPage(req, reply, { title: c.name, body });
    });

    app.post('/coord/contacts/merge', { preHandler: coordinator }, async (req, reply) => {
      const { keep, merge } = MergeBody.parse(req.body);
      const r = mergeContacts(ctx.repos, keep, merge, req.auth!.user.id, ctx.clock());
      if (!r.ok) return reply.redirect(`/coord/contacts?err=merge_${r.error}`, 303);
      req.log.info({ keepId: keep, mergedId: merge, userId: req.auth!.user.id }, 'contacts merged');
      return reply.redirect(`/coord/contacts?ok=merged_ok&n=${r.movedExposures}`, 303);
    });

    app.get('/coord/chains', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const caseId = z.coerce.number().int().positive().safeParse((req.query as { case?: unknown }).case);
      const graph = chainGraph(ctx.repos, { ...(caseId.success ? { caseId: caseId.data } : {}), maxNodes: 400 });
      const body = html`<div class="flow-head"><h1>${t(lang, 'chains_title')}</h1>${caseId.success ? html`<a href="/coord/chains">${t(lang, 'all_chains')}</a>` : ''}<a href="/coord/contacts">${t(lang, 'all_contacts')}</a></div>
<p class="muted">${t(lang, 'chains_intro')}</p>
<p class="legend chain-legend"><span class="key case">${t(lang, 'legend_case')}</span> <span class="key contact">${t(lang, 'legend_contact')}</span> <span class="key became">${t(lang, 'legend_became')}</span></p>
${graph.components.length === 0 ? html`<p class="empty">${t(lang, 'no_chains')}</p>` : html`<div class="chain-box card" id="chains" data-components="${graph.components.length}" data-nodes="${graph.nodes.length}">${chainSvg(graph, { becameCase: t(lang, 'legend_became') })}</div>`}
${graph.truncated ? html`<p class="muted small">${t(lang, 'chains_truncated')}</p>` : ''}`;
      return coordPage(req, reply, { title: t(lang, 'chains_title'), body });
    });
  };
}

