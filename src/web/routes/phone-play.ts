import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FakePlatform } from '../../channels/fake/index.js';
import { hasRole } from '../../services/accounts/roles.js';
import { audit } from '../../services/audit.js';
import { createCases, renewStartCode } from '../../services/cases.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { t } from '../i18n.js';
import { csrfField, errorPage } from '../layout.js';

// Issue 14 bug 3: the quick start plays a real case, so the patient on /phone has a name and proves who they are like anyone
// else (issue 17), instead of an anonymous chat being told a test result.

/** The sample case the quick start plays; its date of birth is what the newcomer types on /phone. */
export const SAMPLE_CASE = { name: 'Budi Santoso', dateOfBirth: '1990-03-14', typed: '14/03/1990' } as const;

const IdParams = z.object({ id: z.coerce.number().int().positive() });

/** The /phone chat that plays a case. */
export function playerOf(caseId: number): string {
  return `case-${caseId}`;
}

/** Open the case's start link from its own /phone chat: a fresh single-use code, sent as `/start <code>`. */
function play(ctx: WebContext, platform: FakePlatform, caseId: number): boolean {
  const now = ctx.clock();
  const code = renewStartCode(ctx.repos, caseId, { now, startCodeTtlMs: ctx.config.START_CODE_TTL_DAYS * 86_400_000 });
  if (!code) return false;
  platform.patientSends(playerOf(caseId), { kind: 'start', code }, now);
  return true;
}

const staff = (req: FastifyRequest) => Boolean(req.auth && !req.auth.user.mustChangePassword && hasRole(req.auth.user.role, 'coordinator'));

/** The /phone panel for a signed-in coordinator or admin: play a new sample case (the quick start). */
export function playPanel(req: FastifyRequest): Html {
  if (!staff(req)) return html``;
  const lang = req.lang;
  return html`<form method="post" action="/phone/sample" class="phone-play center" id="play-sample">${csrfField(req)}<p class="muted small">${t(lang, 'play_sample_intro', { name: SAMPLE_CASE.name, dob: SAMPLE_CASE.typed })}</p><button type="submit" class="primary">${t(lang, 'play_sample')}</button></form>`;
}

/** Routes that play a case on the patient phone: a new sample case from /phone, any case from its page. Staff only, audited. */
export function phonePlayRoutes(app: FastifyInstance, ctx: WebContext, platform: FakePlatform): void {
  const coordinator = app.requireRole('coordinator');

  app.post('/phone/sample', { preHandler: coordinator }, async (req, reply) => {
    const now = ctx.clock();
    const [created] = createCases(
      ctx.repos,
      [{ externalId: `CONTOH-${now.toString(36).toUpperCase()}`, name: SAMPLE_CASE.name, phone: null, dateOfBirth: SAMPLE_CASE.dateOfBirth, testDate: null, confirmedAt: now, language: req.lang, area: null }],
      { now, startCodeTtlMs: ctx.config.START_CODE_TTL_DAYS * 86_400_000 },
    );
    audit(ctx.repos, { actorKind: 'user', actorId: req.auth!.user.id, action: 'case.sample_played', entityType: 'case', entityId: created!.id, ip: req.ip }, now);
    play(ctx, platform, created!.id);
    return reply.redirect(`/phone?user=${playerOf(created!.id)}`, 303);
  });

  app.post('/coord/cases/:id/play', { preHandler: coordinator }, async (req, reply) => {
    const { id } = IdParams.parse(req.params);
    if (!play(ctx, platform, id)) return errorPage(reply, req, 404, t(req.lang, 'case_not_found'));
    audit(ctx.repos, { actorKind: 'user', actorId: req.auth!.user.id, action: 'case.played', entityType: 'case', entityId: id, ip: req.ip }, ctx.clock());
    return reply.redirect(`/phone?user=${playerOf(id)}`, 303);
  });
}
