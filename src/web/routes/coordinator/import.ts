import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { localDate } from '../../../flow/answers/index.js';
import { commitImport, importProblemsCsv, previewImport, type ImportField, type ImportOptions, type ImportPreview, type ImportResult } from '../../../services/coordinator/index.js';
import { audit } from '../../../services/audit.js';
import type { WebContext } from '../../context.js';
import { html, type Html } from '../../html.js';
import { csrfField, sendHtml } from '../../layout.js';
import { t } from '../../i18n.js';
import { actor, coordPage, startLink } from './common.js';
import { fileIssueText, importProblemText } from '../../views/coordinator/import-problems.js';

/** The largest CSV accepted (characters of text; the browser reads the file and posts it as a form field). */
export const MAX_CSV_CHARS = 10 * 1024 * 1024;
// A form-encoded body is up to three times the text (every `,` becomes `%2C`), plus the other fields.
export const BODY_LIMIT = 3 * MAX_CSV_CHARS + 64 * 1024;
const SHOWN_VALID = 200;
const LINKS_SHOWN = 50;

const PreviewBody = z.object({ csv: z.string().default('') });
const CommitBody = z.object({ csv: z.string().default(''), sha: z.string().regex(/^[0-9a-f]{64}$/).optional() });
// The preview posts the form's text as `csv`; the result (whose text box is emptied) keeps it in `source`.
// After an import, `lines` names the rows it skipped (rows it imported would now read as "already in the database").
const ProblemsBody = z.object({ csv: z.string().default(''), source: z.string().default(''), lines: z.string().regex(/^[0-9,]*$/).default('') });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const FIELDS = ['externalId', 'name', 'phone', 'dateOfBirth', 'testDate', 'language', 'area', 'confirmedAt'] as const;

function importForm(req: FastifyRequest, csv: string, result: Html | string): Html {
  const lang = req.lang;
  return html`<form method="post" action="/coord/import/preview" id="import-form" class="stack import-form" hx-post="/coord/import/preview" hx-target="#import-result">
  ${csrfField(req)}
  <label>${t(lang, 'import_file')}<input type="file" id="csv-file" accept=".csv,text/csv,text/plain" data-read-into="csv-text" data-max="${MAX_CSV_CHARS}" data-too-big="${t(lang, 'import_too_big')}"></label>
  <label>${t(lang, 'import_text')}<textarea name="csv" id="csv-text" rows="8" spellcheck="false" placeholder="case_id,name,phone,date_of_birth,test_date,language,area">${csv}</textarea></label>
  <p class="muted small">${t(lang, 'import_columns')}</p>
  <div class="actions"><button type="submit" class="primary" id="preview-btn">${t(lang, 'import_preview')}</button></div>
  <section id="import-result" aria-live="polite">${result}</section>
</form>`;
}

/** Every problem of every row (line, field, message), then the rows that would be imported; writes nothing. */
function previewView(req: FastifyRequest, p: ImportPreview, csv: string): Html {
  const lang = req.lang;
  const bad = p.rows.filter((r) => r.problems.length > 0);
  const good = p.rows.filter((r) => r.problems.length === 0 && r.parsed);
  const blocked = p.fileProblems.some((x) => x.startsWith('no column'));
  const fieldName = (f: ImportField) => t(lang, `field_${f}`);
  return html`<div class="preview" id="preview" data-valid="${good.length}" data-invalid="${bad.length}">
  <h2>${t(lang, 'preview_title')}</h2>
  <p class="summary"><strong id="count-valid">${good.length}</strong> ${t(lang, 'rows_valid')} · <strong id="count-invalid">${bad.length}</strong> ${t(lang, 'rows_invalid')} · ${t(lang, 'nothing_written')}</p>
  ${p.fileIssues.length ? html`<ul class="file-problems">${p.fileIssues.map((x) => html`<li class="flash error" data-code="${x.code}">${fileIssueText(lang, x)}</li>`)}</ul>` : ''}
  ${bad.length
    ? html`<h3>${t(lang, 'rows_with_problems')}</h3><table class="import-problems" id="import-problems"><thead><tr><th>${t(lang, 'col_line')}</th><th>${t(lang, 'col_field')}</th><th>${t(lang, 'col_problem')}</th><th>${t(lang, 'col_case_id')}</th></tr></thead><tbody>${bad.flatMap((r) =>
        r.problems.map((pr) => html`<tr data-line="${r.line}" data-field="${pr.field}" data-code="${pr.code}"><td>${r.line}</td><td>${pr.field === 'row' ? t(lang, 'whole_row') : fieldName(pr.field)}</td><td>${importProblemText(lang, pr, r)}</td><td>${r.values.externalId ?? ''}</td></tr>`),
      )}</tbody></table>${problemsButton(req)}`
    : ''}
  ${good.length
    ? html`<h3>${t(lang, 'rows_to_import')}</h3><div class="scroll-x"><table class="import-valid" id="import-valid"><thead><tr><th>${t(lang, 'col_line')}</th>${FIELDS.map((f) => html`<th>${fieldName(f)}</th>`)}</tr></thead><tbody>${good.slice(0, SHOWN_VALID).map((r) => {
        const v = r.parsed!;
        return html`<tr data-line="${r.line}"><td>${r.line}</td><td>${v.externalId}</td><td>${v.name}</td><td>${v.phone ?? ''}</td><td>${v.dateOfBirth ?? ''}</td><td>${v.testDate ?? ''}</td><td>${v.language}</td><td>${v.area ?? ''}</td><td>${r.values.confirmedAt ?? ''}</td></tr>`;
      })}</tbody></table></div>${good.length > SHOWN_VALID ? html`<p class="muted small">${t(lang, 'and_more', { n: good.length - SHOWN_VALID })}</p>` : ''}`
    : ''}
  <div class="actions confirm">
    ${good.length && !blocked
      ? html`<button type="submit" class="primary" id="commit-btn" name="sha" value="${sha256(csv)}" formaction="/coord/import/commit" hx-post="/coord/import/commit" hx-target="#import-result">${t(lang, 'import_n', { n: good.length })}</button>${bad.length ? html`<span class="muted">${t(lang, 'skip_n', { n: bad.length })}</span>` : ''}`
      : html`<p class="muted">${t(lang, 'nothing_to_import')}</p>`}
  </div>
</div>`;
}

/** A plain form post (no htmx): the browser saves the answer as a file. */
function problemsButton(req: FastifyRequest): Html {
  return html`<p><button type="submit" formaction="/coord/import/problems.csv" formnovalidate id="problems-download" class="small-btn">${t(req.lang, 'import_problems_download')}</button></p>`;
}

async function resultView(req: FastifyRequest, ctx: WebContext, r: ImportResult, outreach: 'started' | 'offered' | 'none', csv: string): Promise<Html> {
  const lang = req.lang;
  const shown = r.imported.slice(0, LINKS_SHOWN);
  const links = await Promise.all(shown.map(async (c) => ({ ...c, link: await startLink(ctx.deepLink, c.startCode) })));
  const ids = r.imported.map((c) => c.caseId).join(',');
  return html`<div class="import-result" id="import-done" data-imported="${r.imported.length}" data-skipped="${r.skipped.length}">
  <p class="flash ok">${t(lang, 'imported_n', { n: r.imported.length })}${r.skipped.length ? ` · ${t(lang, 'skipped_n', { n: r.skipped.length })}` : ''}</p>
  ${outreach === 'started' ? html`<p class="flash ok" id="outreach-started">${t(lang, 'outreach_started', { n: r.imported.length })}</p>` : ''}
  ${outreach === 'offered' && r.imported.length
    ? html`<p><button type="submit" formaction="/coord/cases/outreach" hx-post="/coord/cases/outreach" hx-target="#import-result" hx-params="_csrf,ids" name="ids" value="${ids}" id="outreach-btn">${t(lang, 'start_outreach_n', { n: r.imported.length })}</button></p>`
    : ''}
  ${outreach === 'none' ? html`<p class="muted small">${t(lang, 'no_outreach_channel')}</p>` : ''}
  ${r.skipped.length
    ? html`<h3>${t(lang, 'skipped_rows')}</h3><table class="import-skipped"><thead><tr><th>${t(lang, 'col_line')}</th><th>${t(lang, 'col_case_id')}</th><th>${t(lang, 'col_why')}</th></tr></thead><tbody>${r.skipped.map((s) => html`<tr><td>${s.line}</td><td>${s.externalId ?? ''}</td><td>${s.reasons.join('; ')}</td></tr>`)}</tbody></table>
<textarea name="source" hidden aria-hidden="true">${csv}</textarea><input type="hidden" name="lines" value="${r.skipped.map((x) => x.line).join(',')}">${problemsButton(req)}`
    : ''}
  ${r.imported.length
    ? html`<h3>${t(lang, 'imported_cases')}</h3><p class="muted small">${t(lang, 'start_links_note')}</p><table class="import-imported" id="imported"><thead><tr><th>${t(lang, 'col_line')}</th><th>${t(lang, 'col_case_id')}</th><th>${t(lang, 'col_start_link')}</th><th></th></tr></thead><tbody>${links.map(
        (c) => html`<tr data-case-id="${c.caseId}"><td>${c.line}</td><td><a href="/coord/cases/${c.caseId}">${c.externalId}</a></td><td>${c.link ? html`<a href="${c.link.link}" class="start-link">${c.link.link}</a>` : html`<span class="muted">${t(lang, 'start_code_label')}</span> <code class="start-code">${c.startCode}</code>`}</td><td>${c.link ? html`<img class="qr" src="${c.link.qr}" alt="QR" width="96" height="96">` : ''}</td></tr>`,
      )}</tbody></table>${r.imported.length > LINKS_SHOWN ? html`<p class="muted small">${t(lang, 'more_links_on_case_pages', { n: r.imported.length - LINKS_SHOWN })}</p>` : ''}`
    : ''}
</div>`;
}

/** CSV import: the page, the preview (nothing written), and the commit (valid rows in one transaction). */
export function importRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');
    const options = (): ImportOptions => ({ defaultCountry: ctx.config.DEFAULT_COUNTRY, now: ctx.clock(), today: localDate(ctx.clock(), ctx.config.TIMEZONE), timezone: ctx.config.TIMEZONE });
    const whole = (req: FastifyRequest, csv: string, result: Html | string) => ({
      title: t(req.lang, 'import_title'),
      body: html`<h1>${t(req.lang, 'import_title')}</h1><p class="muted">${t(req.lang, 'import_intro')}</p>${importForm(req, csv, result)}`,
    });
    const tooBig = (req: FastifyRequest) => html`<p class="flash error">${t(req.lang, 'import_too_big')}</p>`;
    const respond = (req: FastifyRequest, reply: import('fastify').FastifyReply, csv: string, frag: Html, status = 200) =>
      req.headers['hx-request'] ? sendHtml(reply, status, frag) : coordPage(req, reply, { ...whole(req, csv, frag), status });

    app.get('/coord/import', { preHandler: coordinator }, async (req, reply) => coordPage(req, reply, whole(req, '', '')));

    app.post('/coord/import/preview', { preHandler: coordinator, bodyLimit: BODY_LIMIT }, async (req, reply) => {
      const { csv } = PreviewBody.parse(req.body);
      if (csv.length > MAX_CSV_CHARS) return respond(req, reply, '', tooBig(req), 413);
      const preview = previewImport(ctx.repos, csv, options());
      req.log.info({ rows: preview.summary.rows, valid: preview.summary.valid, invalid: preview.summary.invalid, userId: req.auth!.user.id }, 'import previewed');
      return respond(req, reply, csv, previewView(req, preview, csv));
    });

    app.post('/coord/import/commit', { preHandler: coordinator, bodyLimit: BODY_LIMIT }, async (req, reply) => {
      const { csv, sha } = CommitBody.parse(req.body);
      if (csv.length > MAX_CSV_CHARS) return respond(req, reply, '', tooBig(req), 413);
      const preview = previewImport(ctx.repos, csv, options());
      // The text must be the one that was previewed: otherwise show the new preview and ask again.
      if (!sha || sha !== sha256(csv)) {
        return respond(req, reply, csv, html`<p class="flash error">${t(req.lang, 'text_changed')}</p>${previewView(req, preview, csv)}`, 409);
      }
      const result = commitImport(ctx.repos, preview, { ...options(), startCodeTtlMs: ctx.config.START_CODE_TTL_DAYS * 86_400_000, actor: actor(req) });
      req.log.info({ imported: result.imported.length, skipped: result.skipped.length, userId: req.auth!.user.id }, 'cases imported');
      let outreach: 'started' | 'offered' | 'none' = ctx.outreach ? 'offered' : 'none';
      if (ctx.outreach && ctx.outreachOnCreate && result.imported.length) {
        try {
          await ctx.outreach(result.imported.map((c) => c.caseId));
          outreach = 'started';
        } catch (err) {
          req.log.warn({ err }, 'outreach request failed after import');
        }
      }
      return respond(req, reply, '', await resultView(req, ctx, result, outreach, csv));
    });

    // The rows with problems as a CSV to fix and import again (the file's columns plus a "problem" column).
    app.post('/coord/import/problems.csv', { preHandler: coordinator, bodyLimit: BODY_LIMIT }, async (req, reply) => {
      const body = ProblemsBody.parse(req.body);
      const csv = body.csv || body.source;
      if (csv.length > MAX_CSV_CHARS) return respond(req, reply, '', tooBig(req), 413);
      const full = previewImport(ctx.repos, csv, options());
      const only = new Set(body.lines.split(',').filter(Boolean).map(Number));
      const preview = only.size ? { ...full, rows: full.rows.filter((r) => only.has(r.line)) } : full;
      audit(ctx.repos, { actorKind: 'user', actorId: req.auth!.user.id, action: 'export.import_problems', details: { rows: preview.summary.invalid }, ip: req.ip }, ctx.clock());
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tracebot-import-problems-${localDate(ctx.clock(), ctx.config.TIMEZONE)}.csv"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(importProblemsCsv(csv, preview, t(req.lang, 'import_problem_column')));
    });
  };
}
