import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FlowDefinition } from '../../../flow/definition.js';
import type { FlowProblem } from '../../../flow/problems.js';
import {
  checkDraft,
  diffVersions,
  discardDraft,
  exportVersionYaml,
  getDraft,
  listFlows,
  listVersions,
  publishSource,
  rollback,
  saveDraft,
  versionSource,
  type FlowVersionInfo,
} from '../../../services/coordinator/index.js';
import type { WebContext } from '../../context.js';
import { csrfField, formatTime } from '../../layout.js';
import { html, trusted, type Html } from '../../html.js';
import { flowDiagram } from '../../views/coordinator/flow-diagram.js';
import { t } from '../../i18n.js';
import { coordPage } from './common.js';
import { conflictNotices, conflictsOf } from './flow-conflicts.js';
import { flowProblemText } from '../../views/coordinator/flow-problem-text.js';

export const FlowId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/);
const Params = z.object({ id: FlowId });
const SourceBody = z.object({ source: z.string().max(512 * 1024) });
const Version = z.coerce.number().int().min(0).max(1_000_000);

/** A new flow's first text: valid, bilingual, three steps, so the editor, diagram and simulator work from the start. */
export function starterFlow(flowId: string): string {
  return `spec: 1
id: ${flowId}
name:
  id: Alur baru
  en: New flow
languages: [id, en]
default_language: id

steps:
  - id: hello
    type: say
    text:
      id: Halo {{case.first_name|Anda}}!
      en: Hello {{case.first_name|there}}!

  - id: feeling
    type: ask
    text:
      id: Bagaimana kabar Anda hari ini?
      en: How are you feeling today?
    answer:
      type: choice
      choices:
        - { value: well, label: { id: Baik, en: Well } }
        - { value: unwell, label: { id: Kurang sehat, en: Unwell } }

  - id: thanks
    type: end
    text:
      id: Terima kasih.
      en: Thank you.
`;
}

/** The problem list shown under the editor (also sent, rendered, with each check). */
export function problemList(lang: 'id' | 'en', problems: FlowProblem[], valid: boolean): Html {
  if (problems.length === 0) return html`<p class="check-ok" data-valid="true">${t(lang, 'flow_valid')}</p>`;
  return html`<p class="${valid ? 'check-ok' : 'check-bad'}" data-valid="${valid ? 'true' : 'false'}">${valid ? t(lang, 'flow_valid_with_warnings') : t(lang, 'flow_has_errors', { n: problems.filter((p) => p.severity === 'error').length })}</p>
<ol class="problems">${problems.map(
    (p) => html`<li class="problem ${p.severity}" data-line="${p.line}" data-col="${p.col}"><a href="#L${p.line}" class="goto" data-line="${p.line}" data-col="${p.col}">${t(lang, 'line_col', { line: p.line, col: p.col })}</a>${p.stepId ? html` <code>${p.stepId}</code>` : ''} <span class="sev">${t(lang, p.severity === 'error' ? 'sev_error' : 'sev_warning')}</span> <span class="pmsg">${flowProblemText(lang, p)}</span></li>`,
  )}</ol>`;
}

function flowOf(flowId: string, source: string): { flow: FlowDefinition | null; problems: FlowProblem[]; valid: boolean } {
  const r = checkDraft(flowId, source);
  return { flow: r.valid ? (JSON.parse(r.definition) as FlowDefinition) : null, problems: r.problems, valid: r.valid };
}

function versionsTable(req: FastifyRequest, ctx: WebContext, flowId: string, versions: FlowVersionInfo[], hasDraft: boolean): Html {
  const lang = req.lang;
  if (versions.length === 0) return html`<p class="empty">${t(lang, 'no_versions')}</p>`;
  const latest = versions[0]!.version;
  // Default: what the newest version changed (previous → newest); the draft can be compared too.
  const options = (selected: number) => [
    ...(hasDraft ? [html`<option value="0">${t(lang, 'draft')}</option>`] : []),
    ...versions.map((v) => html`<option value="${v.version}"${v.version === selected ? trusted(' selected') : ''}>v${v.version}</option>`),
  ];
  return html`<table class="versions" id="versions">
<thead><tr><th>${t(lang, 'col_version')}</th><th>${t(lang, 'col_published_by')}</th><th>${t(lang, 'col_published_at')}</th><th>${t(lang, 'col_origin')}</th><th></th></tr></thead>
<tbody>${versions.map(
    (v) => html`<tr data-version="${v.version}">
  <td><strong>v${v.version}</strong>${v.version === latest ? html` <span class="badge live">${t(lang, 'current')}</span>` : ''}</td>
  <td>${v.publishedByName ?? html`<span class="muted">${t(lang, 'system')}</span>`}</td>
  <td>${v.publishedAt ? formatTime(lang, v.publishedAt, ctx.config.TIMEZONE) : ''}</td>
  <td><code>${v.origin ?? ''}</code></td>
  <td><div class="row-actions">
    <a href="/coord/flows/${flowId}/export?version=${v.version}" download>${t(lang, 'export_yaml')}</a>
    ${v.version > 1 ? html`<a href="/coord/flows/${flowId}/diff?from=${v.version - 1}&to=${v.version}">${t(lang, 'diff_prev')}</a>` : ''}
    ${v.version !== latest ? html`<form method="post" action="/coord/flows/${flowId}/rollback" class="inline">${csrfField(req)}<input type="hidden" name="version" value="${v.version}"><button type="submit" class="small-btn">${t(lang, 'rollback_to', { v: v.version })}</button></form>` : ''}
  </div></td>
</tr>`,
  )}</tbody>
</table>
<form method="get" action="/coord/flows/${flowId}/diff" class="grid-form diff-form">
  <label>${t(lang, 'diff_from')}<select name="from">${options(versions[1]?.version ?? latest)}</select></label>
  <label>${t(lang, 'diff_to')}<select name="to">${options(latest)}</select></label>
  <button type="submit">${t(lang, 'show_diff')}</button>
</form>`;
}

/** The editor page: CodeMirror over a plain textarea (works without scripts), problems, simulator, diagram, versions. */
function editorPage(req: FastifyRequest, ctx: WebContext, flowId: string, o: { source?: string; problems?: FlowProblem[]; valid?: boolean } = {}) {
  const lang = req.lang;
  const draft = getDraft(ctx.repos, flowId);
  const versions = listVersions(ctx.repos, flowId);
  const latest = versions[0];
  const source = o.source ?? draft?.source ?? (latest ? versionSource(ctx.repos, flowId, latest.version) : undefined) ?? starterFlow(flowId);
  const checked = flowOf(flowId, source);
  const problems = o.problems ?? checked.problems;
  const valid = o.valid ?? checked.valid;
  const nextVersion = (latest?.version ?? 0) + 1;
  const status = html`<p class="flow-status">
  ${latest ? t(lang, 'latest_version', { v: latest.version, who: latest.publishedByName ?? t(lang, 'system'), at: latest.publishedAt ? formatTime(lang, latest.publishedAt, ctx.config.TIMEZONE) : '' }) : t(lang, 'never_published')}
  ${draft ? html` · <span class="badge draft">${t(lang, 'draft_saved', { who: draft.savedByName ?? t(lang, 'system'), at: formatTime(lang, draft.savedAt, ctx.config.TIMEZONE) })}</span>` : ''}
</p>`;
  const sources = [html`<option value="editor">${t(lang, 'sim_from_editor')}</option>`, ...versions.map((v) => html`<option value="${v.version}">v${v.version}</option>`)];
  const body = html`<div class="flow-head"><h1>${t(lang, 'flow_title', { id: flowId })}</h1><a href="/coord/flows">${t(lang, 'all_flows')}</a></div>
${status}
${conflictNotices(req, conflictsOf(ctx, flowId))}
<div class="editor-grid">
  <section class="editor-col">
    <form method="post" action="/coord/flows/${flowId}/draft" id="flow-form" class="flow-form">
      ${csrfField(req)}
      <textarea id="flow-source" name="source" rows="32" spellcheck="false" data-check-url="/coord/flows/${flowId}/check" aria-label="${t(lang, 'flow_source')}">${source}</textarea>
      <div class="actions editor-actions">
        <button type="submit" class="primary" id="publish" formaction="/coord/flows/${flowId}/publish">${t(lang, 'publish_as', { v: nextVersion })}</button>
        <button type="submit" id="save-draft">${t(lang, 'save_draft')}</button>
        <span id="check-status" class="muted small" aria-live="polite"></span>
      </div>
    </form>
    ${draft ? html`<form method="post" action="/coord/flows/${flowId}/discard" class="inline discard">${csrfField(req)}<button type="submit" class="danger small-btn">${t(lang, 'discard_draft')}</button></form>` : ''}
    <p class="muted small">${t(lang, 'publish_note')}</p>
    <section id="problems" class="problems-box" aria-live="polite">${problemList(lang, problems, valid)}</section>
  </section>
  <aside class="side-col">
    <nav class="side-tabs" role="tablist">
      <a href="#tab-sim" class="side-tab on" data-tab="tab-sim">${t(lang, 'tab_simulator')}</a>
      <a href="#tab-form" class="side-tab" data-tab="tab-form">${t(lang, 'tab_form')}</a>
      <a href="#tab-diagram" class="side-tab" data-tab="tab-diagram">${t(lang, 'tab_diagram')}</a>
      <a href="#tab-versions" class="side-tab" data-tab="tab-versions">${t(lang, 'tab_versions')}</a>
    </nav>
    <section id="tab-sim" class="tab-panel card">
      <form method="post" action="/coord/sim/start" id="sim-start" class="sim-start" hx-post="/coord/sim/start" hx-target="#sim-chat" hx-include="#flow-source">
        ${csrfField(req)}<input type="hidden" name="flowId" value="${flowId}">
        <label>${t(lang, 'sim_flow')} <select name="from">${sources}</select></label>
        <label>${t(lang, 'sim_language')} <select name="lang"><option value="id"${lang === 'id' ? ' selected' : ''}>Bahasa Indonesia</option><option value="en"${lang === 'en' ? ' selected' : ''}>English</option></select></label>
        <button type="submit" class="primary" id="sim-start-btn">${t(lang, 'sim_start')}</button>
      </form>
      <div id="sim-chat" class="sim-chat"><p class="muted small">${t(lang, 'sim_intro')}</p></div>
    </section>
    <section id="tab-form" class="tab-panel card" data-form-url="/coord/flows/${flowId}/form"><p class="muted small">${t(lang, 'ff_intro')}</p><div id="ff-panel"></div></section>
    <section id="tab-diagram" class="tab-panel card">
      <p class="muted small">${t(lang, 'diagram_intro')}</p>
      <div id="diagram" class="diagram">${checked.flow ? flowDiagram(checked.flow, lang) : html`<p class="muted">${t(lang, 'diagram_needs_valid')}</p>`}</div>
    </section>
    <section id="tab-versions" class="tab-panel card">${versionsTable(req, ctx, flowId, versions, Boolean(draft))}</section>
  </aside>
</div>`;
  return {
    title: t(lang, 'flow_title', { id: flowId }),
    body,
    styles: ['codemirror.css', 'cm-lint.css'],
    scripts: ['codemirror.js', 'cm-yaml.js', 'cm-yaml-plain.js', 'cm-lint.js', 'flow-form.js'],
    bodyClass: 'wide',
  };
}

/** Flow list, editor, live check, draft, publish, discard, rollback, diff and YAML export. */
export function flowRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');

    app.get('/coord/flows', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const flows = listFlows(ctx.repos);
      const body = html`<h1>${t(lang, 'flows_title')}</h1>
<p class="muted">${t(lang, 'flows_intro')}</p>
${conflictNotices(req, conflictsOf(ctx))}
${flows.length === 0
  ? html`<p class="empty">${t(lang, 'no_flows')}</p>`
  : html`<table class="flows"><thead><tr><th>${t(lang, 'col_flow')}</th><th>${t(lang, 'col_version')}</th><th>${t(lang, 'col_published_at')}</th><th>${t(lang, 'draft')}</th></tr></thead>
<tbody>${flows.map((f) => html`<tr><td><a href="/coord/flows/${f.flowId}">${f.flowId}</a></td><td>${f.latestVersion ? `v${f.latestVersion}` : '—'}</td><td>${f.latestPublishedAt ? formatTime(lang, f.latestPublishedAt, ctx.config.TIMEZONE) : ''}</td><td>${f.hasDraft ? html`<span class="badge draft">${t(lang, 'draft')}</span>` : ''}</td></tr>`)}</tbody></table>`}
<form method="get" action="/coord/flows/new" class="grid-form">
  <label>${t(lang, 'new_flow_id')}<input name="id" pattern="[a-z][a-z0-9-]*" required placeholder="contact-follow-up"></label>
  <button type="submit">${t(lang, 'new_flow')}</button>
</form>`;
      return coordPage(req, reply, { title: t(lang, 'flows_title'), body });
    });

    app.get('/coord/flows/new', { preHandler: coordinator }, async (req, reply) => {
      const id = FlowId.safeParse((req.query as { id?: unknown }).id);
      if (!id.success) return reply.redirect('/coord/flows?err=bad_flow_id', 303);
      return reply.redirect(`/coord/flows/${id.data}`, 303);
    });

    app.get('/coord/flows/:id', { preHandler: coordinator }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      return coordPage(req, reply, editorPage(req, ctx, id));
    });

    // The editor posts the text as the coordinator types (debounced); same checks and messages as `flows:check`.
    app.post('/coord/flows/:id/check', { preHandler: coordinator, bodyLimit: 1024 * 1024 }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const { source } = SourceBody.parse(req.body);
      const r = flowOf(id, source);
      return reply.header('cache-control', 'no-store').send({
        valid: r.valid,
        problems: r.problems.map((p) => ({ line: p.line, col: p.col, severity: p.severity, message: flowProblemText(req.lang, p), stepId: p.stepId ?? null })),
        problemsHtml: problemList(req.lang, r.problems, r.valid).value,
        diagram: r.flow ? flowDiagram(r.flow, req.lang).value : null,
      });
    });

    app.post('/coord/flows/:id/draft', { preHandler: coordinator, bodyLimit: 1024 * 1024 }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const { source } = SourceBody.parse(req.body);
      saveDraft(ctx.repos, id, source, { userId: req.auth!.user.id, now: ctx.clock() });
      return reply.redirect(`/coord/flows/${id}?ok=draft_saved_ok`, 303);
    });

    app.post('/coord/flows/:id/publish', { preHandler: coordinator, bodyLimit: 1024 * 1024 }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const { source } = SourceBody.parse(req.body);
      const who = { userId: req.auth!.user.id, now: ctx.clock() };
      // Saves the text as the draft first: whatever happens next, the coordinator's text is kept.
      const r = publishSource(ctx.repos, ctx.flows, id, source, who);
      if (r.ok) {
        req.log.info({ flowId: id, version: r.version, changed: r.changed, userId: who.userId }, 'flow published from the editor');
        return reply.redirect(`/coord/flows/${id}?${r.changed ? 'ok=published_ok' : 'ok=published_same'}&v=${r.version}`, 303);
      }
      const problems = r.error === 'invalid' ? r.problems : [];
      return coordPage(req, reply, { ...editorPage(req, ctx, id, { source, problems, valid: false }), status: 422, flash: { kind: 'error', text: t(req.lang, 'publish_refused') } });
    });

    app.post('/coord/flows/:id/discard', { preHandler: coordinator }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      discardDraft(ctx.repos, id);
      return reply.redirect(`/coord/flows/${id}?ok=draft_discarded`, 303);
    });

    app.post('/coord/flows/:id/rollback', { preHandler: coordinator }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const version = Version.parse((req.body as { version?: unknown } | undefined)?.version);
      const r = rollback(ctx.repos, ctx.flows, id, version, { userId: req.auth!.user.id, now: ctx.clock() });
      if (!r.ok) return reply.redirect(`/coord/flows/${id}?err=${r.error === 'not_found' ? 'version_not_found' : 'publish_refused'}`, 303);
      req.log.info({ flowId: id, from: version, version: r.version, userId: req.auth!.user.id }, 'flow rolled back');
      return reply.redirect(`/coord/flows/${id}?ok=${r.changed ? 'rolled_back' : 'published_same'}&v=${r.version}`, 303);
    });

    app.get('/coord/flows/:id/diff', { preHandler: coordinator }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const q = z.object({ from: Version, to: Version }).safeParse(req.query);
      const lang = req.lang;
      const d = q.success ? diffVersions(ctx.repos, id, q.data.from, q.data.to) : undefined;
      if (!d) return coordPage(req, reply, { status: 404, title: t(lang, 'diff_title'), body: html`<p class="flash error">${t(lang, 'version_not_found')}</p><p><a href="/coord/flows/${id}">${t(lang, 'back_to_editor')}</a></p>` });
      const name = (v: number) => (v === 0 ? t(lang, 'draft') : `v${v}`);
      // Long unchanged stretches fold to three lines of context either side.
      const rows: Html[] = [];
      const lines = d.lines;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.op === ' ') {
          const near = lines.slice(Math.max(0, i - 3), i + 4).some((x) => x.op !== ' ');
          if (!near) {
            let j = i;
            while (j < lines.length && lines[j]!.op === ' ' && !lines.slice(Math.max(0, j - 3), j + 4).some((x) => x.op !== ' ')) j++;
            rows.push(html`<tr class="fold"><td colspan="3">… ${t(lang, 'unchanged_lines', { n: j - i })}</td></tr>`);
            i = j - 1;
            continue;
          }
        }
        const cls = l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'same';
        rows.push(html`<tr class="${cls}"><td class="ln">${l.oldLine ?? ''}</td><td class="ln">${l.newLine ?? ''}</td><td class="code"><span class="op">${l.op}</span>${l.text}</td></tr>`);
      }
      const body = html`<div class="flow-head"><h1>${t(lang, 'diff_heading', { id, from: name(d.from), to: name(d.to) })}</h1><a href="/coord/flows/${id}">${t(lang, 'back_to_editor')}</a></div>
<p id="diff-summary"><span class="add-count">+${d.added}</span> <span class="del-count">−${d.removed}</span></p>
${d.added + d.removed === 0 ? html`<p class="empty">${t(lang, 'no_differences')}</p>` : html`<table class="diff"><tbody>${rows}</tbody></table>`}`;
      return coordPage(req, reply, { title: t(lang, 'diff_title'), body });
    });

    app.get('/coord/flows/:id/export', { preHandler: coordinator }, async (req, reply) => {
      const { id } = Params.parse(req.params);
      const v = Version.safeParse((req.query as { version?: unknown }).version);
      const file = v.success ? exportVersionYaml(ctx.repos, id, v.data) : undefined;
      if (!file) return reply.code(404).send('not found');
      return reply
        .header('content-type', 'application/yaml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(file.source);
    });
  };
}
