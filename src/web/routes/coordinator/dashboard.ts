import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { addDays, isIsoDate, localDate } from '../../../flow/answers/index.js';
import { audit } from '../../../services/audit.js';
import { dashboard, exportCasesCsv, exportContactsCsv, exportExposuresCsv, startOfLocalDay, type ExportFormat } from '../../../services/coordinator/index.js';
import { EXCEL_ID_CSV, MACHINE_CSV } from '../../../services/csv.js';
import { getMonitoringPolicy } from '../../../services/monitoring/index.js';
import type { WebContext } from '../../context.js';
import { html, type Html } from '../../html.js';
import { formatDuration, t } from '../../i18n.js';
import { groupedBars, meter } from '../../views/coordinator/charts.js';
import { followUpFigures } from '../../views/coordinator/follow-up-figures.js';
import { coordPage } from './common.js';

const IsoDay = z.string().refine(isIsoDate, 'YYYY-MM-DD');
const RangeQuery = z.object({ from: IsoDay.optional(), to: IsoDay.optional(), target: z.coerce.number().int().min(1).max(1000).optional() });

/** The day range asked for, or the last 7 local days; a reversed range is put right way round. */
function rangeOf(req: FastifyRequest, ctx: WebContext): { from: string; to: string; target: number } {
  const parsed = RangeQuery.safeParse(req.query);
  const q = parsed.success ? parsed.data : {};
  const today = localDate(ctx.clock(), ctx.config.TIMEZONE);
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -6);
  return { ...(from <= to ? { from, to } : { from: to, to: from }), target: q.target ?? ctx.config.CONTACT_TARGET };
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const num = (v: number | null, digits = 1) => (v === null ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits));

function figure(id: string, label: string, value: string | number, sub?: Html | string): Html {
  return html`<div class="figure" data-figure="${id}"><div class="figure-label">${label}</div><div class="figure-value" id="fig-${id}">${value}</div>${sub ? html`<div class="figure-sub">${sub}</div>` : ''}</div>`;
}

/** The morning dashboard for a day range, and CSV exports of cases, contacts and exposures (audited). */
export function dashboardRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');

    app.get('/coord', { preHandler: coordinator }, async (_req, reply) => reply.redirect('/coord/dashboard', 303));

    app.get('/coord/dashboard', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const { from, to, target } = rangeOf(req, ctx);
      const d = dashboard(ctx.repos, { from, to, timezone: ctx.config.TIMEZONE, contactTarget: target, now: ctx.clock() });
      const c = d.cases;
      const labels = d.series.map((p) => p.date.slice(5));
      const qs = new URLSearchParams({ from: d.range.from, to: d.range.to }).toString();
      const quick = (days: number) => {
        const end = localDate(ctx.clock(), ctx.config.TIMEZONE);
        return `/coord/dashboard?${new URLSearchParams({ from: addDays(end, -(days - 1)), to: end, target: String(target) }).toString()}`;
      };
      const cpc = d.contactsPerCase;
      const body = html`<div class="flow-head"><h1>${t(lang, 'dashboard_title')}</h1></div>
<form method="get" action="/coord/dashboard" class="grid-form range-form">
  <label>${t(lang, 'from')}<input type="date" name="from" value="${d.range.from}"></label>
  <label>${t(lang, 'to')}<input type="date" name="to" value="${d.range.to}"></label>
  <label>${t(lang, 'contact_target')}<input type="number" class="num" name="target" min="1" max="1000" value="${target}"></label>
  <button type="submit">${t(lang, 'show')}</button>
  <span class="chips"><a class="chip" href="${quick(1)}">${t(lang, 'today')}</a><a class="chip" href="${quick(7)}">${t(lang, 'last_n_days', { n: 7 })}</a><a class="chip" href="${quick(28)}">${t(lang, 'last_n_days', { n: 28 })}</a></span>
</form>
<p class="muted small">${t(lang, 'range_note', { from: d.range.from, to: d.range.to, tz: d.range.timezone })}</p>
<section class="figures">
  ${figure('confirmed', t(lang, 'fig_confirmed'), c.confirmed)}
  ${figure('reached', t(lang, 'fig_reached'), c.reached, c.confirmed ? pct(c.reached / c.confirmed) : '')}
  ${figure('completed', t(lang, 'fig_completed'), c.completed, c.confirmed ? pct(c.completed / c.confirmed) : '')}
  ${figure('median-hours', t(lang, 'fig_median_hours'), num(d.medianHoursToInterview), t(lang, 'hours'))}
  ${figure('within-24h', t(lang, 'fig_within_24h'), pct(d.shareCompletedWithin24h), meter({ id: 'meter-24h', value: d.shareCompletedWithin24h, max: 1, text: pct(d.shareCompletedWithin24h), good: (d.shareCompletedWithin24h ?? 0) >= 0.8, target: 0.8 }))}
  ${figure('contacts-per-case', t(lang, 'fig_contacts_per_case'), num(cpc.mean, 2), html`${meter({ id: 'meter-contacts', value: cpc.mean, max: Math.max(target * 1.5, cpc.mean ?? 0), target, text: `${num(cpc.mean, 2)} / ${target}`, good: (cpc.mean ?? 0) >= target })}<span>${t(lang, 'target_line', { target, median: num(cpc.median), meeting: cpc.casesMeetingTarget, of: cpc.interviewedCases })}</span>`)}
  ${figure('unreachable', t(lang, 'fig_unreachable'), c.unreachable, t(lang, 'opted_out_n', { n: c.optedOut }))}
</section>
${followUpFigures(lang, d.followUp)}
<section class="charts">
  ${groupedBars(labels, [{ cls: 's-confirmed', name: t(lang, 'fig_confirmed') }, { cls: 's-completed', name: t(lang, 'fig_completed') }, { cls: 's-within', name: t(lang, 'series_within') }], [d.series.map((p) => p.confirmed), d.series.map((p) => p.completed), d.series.map((p) => p.completedWithin24h)], { title: t(lang, 'chart_cases') })}
  ${groupedBars(labels, [{ cls: 's-contacts', name: t(lang, 'series_contacts') }, { cls: 's-escalations', name: t(lang, 'series_escalations') }], [d.series.map((p) => p.contactsNamed), d.series.map((p) => p.escalations)], { title: t(lang, 'chart_contacts') })}
</section>
<div class="case-grid">
<section class="card"><h2>${t(lang, 'escalations_title')}</h2>
  <section class="figures small-figures">
    ${figure('esc-open', t(lang, 'fig_open'), d.escalations.open)}
    ${figure('esc-pending', t(lang, 'fig_pending'), d.escalations.pending)}
    ${figure('esc-median-wait', t(lang, 'fig_median_wait'), d.escalations.medianWaitingMinutes === null ? '—' : formatDuration(lang, d.escalations.medianWaitingMinutes * 60_000))}
    ${figure('esc-oldest', t(lang, 'fig_oldest_wait'), d.escalations.oldestWaitingMinutes === null ? '—' : formatDuration(lang, d.escalations.oldestWaitingMinutes * 60_000))}
    ${figure('esc-raised', t(lang, 'fig_raised'), d.escalations.raisedInRange)}
    ${figure('esc-resolved', t(lang, 'fig_resolved'), d.escalations.resolvedInRange)}
  </section>
</section>
<section class="card"><h2>${t(lang, 'workload_title')}</h2>
${d.tracers.length === 0
  ? html`<p class="muted">${t(lang, 'no_tracers')}</p>`
  : html`<table id="workload"><thead><tr><th>${t(lang, 'col_tracer')}</th><th>${t(lang, 'fig_pending')}</th><th>${t(lang, 'col_assigned_open')}</th><th>${t(lang, 'fig_resolved')}</th></tr></thead><tbody>${d.tracers.map(
      (t) => html`<tr data-user-id="${t.userId}"><td>${t.name}</td><td class="n-pending">${t.pending}</td><td class="n-open">${t.open}</td><td class="n-resolved">${t.resolvedInRange}</td></tr>`,
    )}</tbody></table>`}
</section>
</div>
<section class="card exports"><h2>${t(lang, 'exports_title')}</h2><p class="muted small">${t(lang, 'exports_note')}</p>
  <p class="actions"><a class="button" href="/coord/exports/cases.csv?${qs}" download>${t(lang, 'export_cases', { from: d.range.from, to: d.range.to })}</a>
  <a class="button" href="/coord/exports/cases.csv" download>${t(lang, 'export_all_cases')}</a>
  <a class="button" href="/coord/exports/contacts.csv" download>${t(lang, 'export_contacts')}</a>
  <a class="button" href="/coord/exports/exposures.csv" download>${t(lang, 'export_exposures')}</a></p>
  <p class="actions excel-exports">${t(lang, 'exports_excel')}
  <a class="button" href="/coord/exports/cases.csv?${qs}&amp;format=excel" download id="export-cases-excel">${t(lang, 'export_cases', { from: d.range.from, to: d.range.to })}</a>
  <a class="button" href="/coord/exports/contacts.csv?format=excel" download>${t(lang, 'export_contacts')}</a>
  <a class="button" href="/coord/exports/exposures.csv?format=excel" download>${t(lang, 'export_exposures')}</a></p>
  <p class="muted small">${t(lang, 'exports_times_note', { tz: ctx.config.TIMEZONE })}</p>
</section>`;
      return coordPage(req, reply, { title: t(lang, 'dashboard_title'), body });
    });

    const sendCsv = (req: FastifyRequest, reply: FastifyReply, name: string, csv: string, details: Record<string, unknown>) => {
      audit(ctx.repos, { actorKind: 'user', actorId: req.auth!.user.id, action: `export.${name}`, details, ip: req.ip }, ctx.clock());
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="tracebot-${name}-${localDate(ctx.clock(), ctx.config.TIMEZONE)}.csv"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(csv);
    };
    // `?format=excel`: `;` and a UTF-8 BOM, as Excel set up for Indonesia opens a file by double-click.
    const formatOf = (req: FastifyRequest): ExportFormat & { excel: boolean } => {
      const excel = (req.query as { format?: unknown }).format === 'excel';
      return { timeZone: ctx.config.TIMEZONE, dialect: excel ? EXCEL_ID_CSV : MACHINE_CSV, excel };
    };
    const refuse = (req: FastifyRequest, reply: FastifyReply, text: string) =>
      coordPage(req, reply, { status: 400, title: t(req.lang, 'exports_title'), body: html`<p class="flash error" id="export-error">${text}</p><p><a href="/coord/dashboard">${t(req.lang, 'dashboard_title')}</a></p>` });

    app.get('/coord/exports/cases.csv', { preHandler: coordinator }, async (req, reply) => {
      const q = req.query as { from?: unknown; to?: unknown };
      // A range that cannot be read is an error, never "everything": an export holds personal data.
      for (const value of [q.from, q.to]) {
        if (value !== undefined && (typeof value !== 'string' || !isIsoDate(value))) return refuse(req, reply, t(req.lang, 'export_bad_date', { value: String(value).slice(0, 40) }));
      }
      const from = q.from as string | undefined;
      const to = q.to as string | undefined;
      if (from && to && from > to) return refuse(req, reply, t(req.lang, 'export_bad_range', { from, to }));
      const tz = ctx.config.TIMEZONE;
      const range = { ...(from ? { fromMs: startOfLocalDay(from, tz) } : {}), ...(to ? { toMs: startOfLocalDay(addDays(to, 1), tz) } : {}) };
      const f = formatOf(req);
      return sendCsv(req, reply, 'cases', exportCasesCsv(ctx.repos, range, f), { from: from ?? null, to: to ?? null, excel: f.excel });
    });
    app.get('/coord/exports/contacts.csv', { preHandler: coordinator }, async (req, reply) => {
      const f = formatOf(req);
      return sendCsv(req, reply, 'contacts', exportContactsCsv(ctx.repos, { quarantineDays: getMonitoringPolicy(ctx.repos, ctx.config.monitoringPolicy).quarantineDays }, f), { excel: f.excel });
    });
    app.get('/coord/exports/exposures.csv', { preHandler: coordinator }, async (req, reply) => {
      const f = formatOf(req);
      return sendCsv(req, reply, 'exposures', exportExposuresCsv(ctx.repos, f), { excel: f.excel });
    });
  };
}
