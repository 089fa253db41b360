import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { outreachRate } from '../../../config/outreach-rate.js';
import type { MonitoringStage } from '../../../domain/monitoring.js';
import { localDate } from '../../../flow/answers/index.js';
import { monitoringToday, ROSTER_STAGES, startOfLocalDay } from '../../../services/coordinator/index.js';
import { getMonitoringPolicy, MonitoringFlowIds, updateMonitoringPolicy } from '../../../services/monitoring/index.js';
import type { WebContext } from '../../context.js';
import { t } from '../../i18n.js';
import { monitoringBody } from '../../views/coordinator/monitoring-page.js';
import { coordPage } from './common.js';

const ROSTER_LIMIT = 200;
const PageQuery = z.object({
  stage: z.enum(ROSTER_STAGES as [MonitoringStage, ...MonitoringStage[]]).optional().catch(undefined),
  area: z.string().trim().max(200).optional().catch(undefined),
});
const PolicyBody = z.object({
  quarantineDays: z.string().max(4),
  entryTestDay: z.string().max(4),
  exitTestDay: z.string().max(4),
  checkinHour: z.string().max(4),
});

/** The coordinators' monitoring page (today's roster by stage and area, the send-time estimate) and the policy form (audited). */
export function monitoringRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');
    const defaults = () => ctx.config.monitoringPolicy;

    app.get('/coord/monitoring', { preHandler: coordinator }, async (req, reply) => {
      const lang = req.lang;
      const q = PageQuery.parse(req.query ?? {});
      const area = q.area || undefined;
      const policy = getMonitoringPolicy(ctx.repos, defaults());
      const today = localDate(ctx.clock(), policy.timeZone);
      const rate = outreachRate(ctx.config);
      const data = monitoringToday(ctx.repos, {
        today,
        dayStartMs: startOfLocalDay(today, policy.timeZone),
        policy,
        perMinute: rate.perMinute,
        ...(area ? { area } : {}),
        ...(q.stage ? { stage: q.stage } : {}),
        limit: ROSTER_LIMIT,
      });
      const body = monitoringBody(req, { data, policy, channel: rate.channel, ...(area ? { area } : {}), ...(q.stage ? { stage: q.stage } : {}), limit: ROSTER_LIMIT, timeZone: policy.timeZone, flowIds: MonitoringFlowIds });
      return coordPage(req, reply, { title: t(lang, 'mon_title'), body, styles: ['monitoring.css'] });
    });

    app.post('/coord/monitoring/policy', { preHandler: coordinator }, async (req, reply) => {
      const body = PolicyBody.safeParse(req.body);
      const res = body.success ? updateMonitoringPolicy(ctx.repos, body.data, { userId: req.auth!.user.id, ip: req.ip }, defaults(), ctx.clock()) : { ok: false as const, problems: [] };
      if (!res.ok) req.log.info({ fields: res.problems.map((p) => p.field) }, 'monitoring policy refused');
      return reply.redirect(`/coord/monitoring?${res.ok ? 'ok=mon_policy_saved' : 'err=mon_policy_bad'}#policy`, 303);
    });
  };
}
