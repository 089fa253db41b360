import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createRepositories, type Db } from '../../db/index.js';
import type { Repositories } from '../../domain/repositories/index.js';
import { audit } from '../../services/audit.js';
import {
  confirmErasure,
  exportSubject,
  holdsPersonalData,
  jobRefsOf,
  parseSubject,
  requestErasure,
  RETENTION_JOB,
  runRetention,
  subjectHash,
  type ErasureRefusal,
  type Subject,
  type SubjectJobStore,
} from '../../services/privacy/index.js';
import { html } from '../html.js';
import { t, type UiLang } from '../i18n.js';
import { csrfField, formatTime, page, sendHtml } from '../layout.js';
import { subjectLabel, subjectView } from './privacy-view.js';

/** What the privacy pages need; the system wires the queues (absent in a process without Redis queues). */
export interface PrivacyDeps {
  db: Db;
  clock: () => number;
  timezone: string;
  defaultCountry: string;
  retentionDays: number;
  jobs?: SubjectJobStore;
}

const Lookup = z.object({ q: z.string().trim().min(1).max(100) });
/** The counts a retention run stored in its row (see `runRetentionIfDue`). */
const LastRun = z.object({ conversations: z.number(), cases: z.number(), contacts: z.number(), messageTexts: z.number(), answers: z.number() });
const Confirm = z.object({ q: z.string().trim().min(1).max(100), requestId: z.coerce.number().int().positive() });
type Flash = { kind: 'ok' | 'error'; text: string } | null;

/** The audit row of a person's data being read: who, when, which records (ids), never the number itself. */
export function auditExport(repos: Repositories, subject: Subject, found: object, actor: { kind: 'user' | 'token'; id: number; ip: string }, format: string, now: number): void {
  repos.transactions.transaction(() =>
    audit(repos, { actorKind: actor.kind, actorId: actor.id, action: 'subject.exported', entityType: 'subject', entityId: subjectHash(subject).slice(0, 16), details: { ...found, format }, ip: actor.ip }, now),
  );
}

/**
 * The admins' privacy pages under /admin/privacy: the retention policy and its last run, a person's data as a readable page
 * or JSON, and erasure in two steps (request, then confirm by typing the subject again). Every reading and erasure is audited.
 */
export function privacyRoutes(deps: PrivacyDeps) {
  const repos = () => createRepositories(deps.db);
  const refusal = (lang: UiLang, reason: ErasureRefusal) => t(lang, `pv_refused_${reason}`);

  function home(req: FastifyRequest, reply: FastifyReply, status: number, flash: Flash, q = '') {
    const lang = req.lang;
    const job = repos().privacy.scheduledJob(RETENTION_JOB);
    const parsed = job?.lastResult ? LastRun.safeParse(JSON.parse(job.lastResult)) : undefined;
    const last = parsed?.success ? parsed.data : undefined;
    const next = runRetention(repos(), { at: Math.max(job?.dueAt ?? 0, deps.clock()), days: deps.retentionDays, dryRun: true }).counts;
    const body = html`<h1>${t(lang, 'pv_title')}</h1>
<p>${t(lang, 'pv_lookup_help')}</p>
<form method="post" action="/admin/privacy/subject" class="grid-form">${csrfField(req)}
  <label>${t(lang, 'pv_subject')}<input name="q" value="${q}" required autocomplete="off" maxlength="100"></label>
  <button type="submit" class="primary">${t(lang, 'pv_show')}</button>
</form>
<h2>${t(lang, 'pv_retention_title')}</h2>
<p>${t(lang, 'pv_retention_policy', { days: deps.retentionDays })}</p>
${job ? html`<p class="privacy-next">${t(lang, 'pv_retention_next', { at: formatTime(lang, job.dueAt, deps.timezone) })}</p>` : ''}
<p class="privacy-preview">${t(lang, 'pv_retention_preview', { ...next })}</p>
<p class="privacy-last">${
      job?.lastRunAt && last
        ? t(lang, 'pv_retention_last', { at: formatTime(lang, job.lastRunAt, deps.timezone), ...last })
        : t(lang, 'pv_retention_never')
    }</p>`;
    return sendHtml(reply, status, page(req, { title: t(lang, 'pv_title'), body, flash }));
  }

  function subjectOf(q: string): Subject | undefined {
    return parseSubject(repos(), q, deps.defaultCountry);
  }

  return async (app: FastifyInstance) => {
    const admin = app.requireRole('admin');

    app.get('/admin/privacy', { preHandler: admin }, async (req, reply) => home(req, reply, 200, null));

    // Looked up by POST: a phone number in a URL would stay in the browser's history and in proxies' logs.
    app.post('/admin/privacy/subject', { preHandler: admin }, async (req, reply) => {
      const lang = req.lang;
      const p = Lookup.safeParse(req.body);
      const subject = p.success ? subjectOf(p.data.q) : undefined;
      if (!p.success || !subject) return home(req, reply, 400, { kind: 'error', text: t(lang, 'pv_not_understood') }, p.success ? p.data.q : '');
      const now = deps.clock();
      const e = exportSubject(repos(), subject, now);
      auditExport(repos(), subject, e.found, { kind: 'user', id: req.auth!.user.id, ip: req.ip }, 'html', now);
      const body = html`<h1>${t(lang, 'pv_export_title', { subject: subjectLabel(e) })}</h1>
<p class="muted">${t(lang, 'pv_generated', { at: formatTime(lang, now, deps.timezone) })}</p>
${holdsPersonalData(e) ? '' : html`<p class="flash ok privacy-nothing">${t(lang, 'pv_nothing')}</p>`}
<form method="post" action="/admin/privacy/subject.json" class="privacy-download">${csrfField(req)}<input type="hidden" name="q" value="${p.data.q}"><button type="submit">${t(lang, 'pv_download_json')}</button></form>
${subjectView(lang, e, deps.timezone)}
<section class="privacy-erase"><h2>${t(lang, 'pv_erase_title')}</h2><p>${t(lang, 'pv_erase_help')}</p>
<form method="post" action="/admin/privacy/erase">${csrfField(req)}<input type="hidden" name="q" value="${p.data.q}"><button type="submit" class="danger">${t(lang, 'pv_erase_start')}</button></form></section>`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'pv_title'), body }));
    });

    app.post('/admin/privacy/subject.json', { preHandler: admin }, async (req, reply) => {
      const p = Lookup.safeParse(req.body);
      const subject = p.success ? subjectOf(p.data.q) : undefined;
      if (!subject) return reply.code(400).send({ error: 'http:invalid', message: t(req.lang, 'pv_not_understood') });
      const now = deps.clock();
      const e = exportSubject(repos(), subject, now);
      auditExport(repos(), subject, e.found, { kind: 'user', id: req.auth!.user.id, ip: req.ip }, 'json', now);
      return reply
        .header('content-disposition', `attachment; filename="subject-${now}.json"`)
        .header('cache-control', 'no-store')
        .send(e);
    });

    app.post('/admin/privacy/erase', { preHandler: admin }, async (req, reply) => {
      const lang = req.lang;
      const p = Lookup.safeParse(req.body);
      const subject = p.success ? subjectOf(p.data.q) : undefined;
      if (!subject) return home(req, reply, 400, { kind: 'error', text: t(lang, 'pv_not_understood') });
      const now = deps.clock();
      const r = requestErasure(repos(), subject, { userId: req.auth!.user.id, ip: req.ip }, now);
      if (!r.ok) return home(req, reply, 409, { kind: 'error', text: refusal(lang, r.reason) }, p.data!.q);
      const jobs = deps.jobs ? (await deps.jobs.find(jobRefsOf(repos(), subject, now))).length : 0;
      const body = html`<h1>${t(lang, 'pv_erase_confirm_title')}</h1>
<p class="privacy-will-remove">${t(lang, 'pv_erase_will_remove', { ...r.counts, jobs })}</p>
<p>${t(lang, 'pv_erase_help')}</p>
<form method="post" action="/admin/privacy/erase/confirm" class="grid-form">${csrfField(req)}
  <input type="hidden" name="requestId" value="${r.requestId}">
  <label>${t(lang, 'pv_erase_type_again')}<input name="q" required autocomplete="off" maxlength="100"></label>
  <button type="submit" class="danger">${t(lang, 'pv_erase_do')}</button>
</form>
<p class="muted">${t(lang, 'pv_erase_expires', { at: formatTime(lang, r.expiresAt, deps.timezone) })}</p>`;
      return sendHtml(reply, 200, page(req, { title: t(lang, 'pv_erase_confirm_title'), body }));
    });

    app.post('/admin/privacy/erase/confirm', { preHandler: admin }, async (req, reply) => {
      const lang = req.lang;
      const p = Confirm.safeParse(req.body);
      const subject = p.success ? subjectOf(p.data.q) : undefined;
      if (!p.success || !subject) return home(req, reply, 400, { kind: 'error', text: refusal(lang, 'subject_mismatch') });
      const r = await confirmErasure(repos(), deps.jobs, { requestId: p.data.requestId, subject, actor: { userId: req.auth!.user.id, ip: req.ip }, now: deps.clock() });
      if (!r.ok) return home(req, reply, 409, { kind: 'error', text: refusal(lang, r.reason) });
      const text = t(lang, 'pv_erase_done', { ...r.counts, jobs: r.jobs.removed }) + (r.jobs.busy ? ` ${t(lang, 'pv_erase_busy', { busy: r.jobs.busy })}` : '');
      return home(req, reply, 200, { kind: 'ok', text });
    });
  };
}
