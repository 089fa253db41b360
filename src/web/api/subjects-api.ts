import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createRepositories, type Db } from '../../db/index.js';
import { verifyApiToken } from '../../services/api-tokens.js';
import { exportSubject, holdsPersonalData, parseSubject } from '../../services/privacy/index.js';
import { errorBody } from '../error-body.js';
import { html } from '../html.js';
import { t, type UiLang } from '../i18n.js';
import { formatTime, securityHeaders } from '../layout.js';
import { auditExport } from '../routes/privacy.js';
import { subjectLabel, subjectView } from '../routes/privacy-view.js';

export interface SubjectsApiDeps {
  db: Db;
  clock: () => number;
  timezone: string;
  defaultCountry: string;
}

const Query = z.object({ format: z.enum(['json', 'html']).default('json'), lang: z.enum(['id', 'en']).default('id') });

/**
 * `GET /api/v1/subjects/{phone}`: everything held about a person (a phone number, or `case:<id>` / a case number), as
 * JSON or, with `?format=html`, as a readable page to hand over. Admin API tokens only; every reading is audited.
 */
export function subjectsApiRoutes(deps: SubjectsApiDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const repos = createRepositories(deps.db);
    const adminToken = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const token = m ? verifyApiToken(repos, m[1]!, deps.clock()) : undefined;
      if (!token) {
        await reply.code(401).header('www-authenticate', 'Bearer').send(errorBody('auth:unauthorized'));
        return;
      }
      // A person's whole record is for admins only (coordinator tokens run imports and reports).
      if (token.role !== 'admin') {
        await reply.code(403).send(errorBody('auth:forbidden', { message: 'only an admin token can read a person’s data' }));
        return;
      }
      (req as FastifyRequest & { tokenId?: number }).tokenId = token.id;
    };

    app.get(
      '/api/v1/subjects/:phone',
      { onRequest: adminToken, schema: { summary: 'Everything held about a person (phone number or case), JSON or readable HTML; admin tokens', tags: ['privacy'] } },
      async (req, reply) => {
        const raw = String((req.params as { phone: string }).phone);
        const q = Query.safeParse(req.query);
        const subject = parseSubject(repos, raw, deps.defaultCountry);
        if (!subject || !q.success) return reply.code(400).send(errorBody('http:invalid', { message: 'not a valid phone number or known case' }));
        const now = deps.clock();
        const e = exportSubject(repos, subject, now);
        auditExport(repos, subject, e.found, { kind: 'token', id: (req as FastifyRequest & { tokenId: number }).tokenId, ip: req.ip }, q.data.format, now);
        if (q.data.format === 'json') return reply.header('cache-control', 'no-store').send({ ...e, holdsPersonalData: holdsPersonalData(e) });
        const lang: UiLang = q.data.lang;
        const doc = html`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${t(lang, 'pv_export_title', { subject: subjectLabel(e) })}</title></head>
<body><h1>${t(lang, 'pv_export_title', { subject: subjectLabel(e) })}</h1><p>${t(lang, 'pv_generated', { at: formatTime(lang, now, deps.timezone) })}</p>
${holdsPersonalData(e) ? '' : html`<p>${t(lang, 'pv_nothing')}</p>`}${subjectView(lang, e, deps.timezone)}</body></html>`;
        return reply.code(200).header('content-type', 'text/html; charset=utf-8').headers(securityHeaders()).send(doc.value);
      },
    );
  };
}
