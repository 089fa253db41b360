import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { flowFileConflicts, publishFlowFile, type FlowFileConflict } from '../../../services/flow-file-sync.js';
import { audit } from '../../../services/audit.js';
import type { WebContext } from '../../context.js';
import { csrfField } from '../../layout.js';
import { html, type Html } from '../../html.js';
import { t } from '../../i18n.js';

const FileName = z.string().regex(/^[a-z][a-z0-9-]{0,63}\.ya?ml$/);

/** The flows-folder files that changed while the web published a newer version, optionally for one flow. */
export function conflictsOf(ctx: WebContext, flowId?: string): FlowFileConflict[] {
  return flowFileConflicts(ctx.repos, path.resolve(ctx.config.FLOWS_DIR)).filter((c) => flowId === undefined || c.flowId === flowId);
}

/** A notice per conflict: which version stays live, and the two ways out (publish the file, or save the web version over it). */
export function conflictNotices(req: FastifyRequest, conflicts: FlowFileConflict[]): Html {
  const lang = req.lang;
  return html`${conflicts.map(
    (c) => html`<section class="flash error flow-conflict" data-flow="${c.flowId}" data-live-version="${c.liveVersion}" role="alert">
  <strong>${t(lang, 'flow_conflict_title')}</strong>
  <p>${t(lang, 'flow_conflict_body', { file: c.file, live: c.liveVersion })}</p>
  <div class="row-actions">
    <form method="post" action="/coord/flows/${c.flowId}/publish-file" class="inline">${csrfField(req)}<input type="hidden" name="file" value="${c.file}"><button type="submit" class="small-btn">${t(lang, 'flow_conflict_publish_file', { file: c.file })}</button></form>
    <a href="/coord/flows/${c.flowId}/export?version=${c.liveVersion}" download>${t(lang, 'flow_conflict_download', { live: c.liveVersion })}</a>
  </div>
</section>`,
  )}`;
}

/** POST /coord/flows/:id/publish-file: a coordinator resolves a conflict by publishing the file's text (audited). */
export function flowConflictRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    const coordinator = app.requireRole('coordinator');
    app.post('/coord/flows/:id/publish-file', { preHandler: coordinator }, async (req, reply) => {
      const { id } = z.object({ id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/) }).parse(req.params);
      const file = FileName.safeParse((req.body as { file?: unknown } | undefined)?.file);
      const who = { userId: req.auth!.user.id, now: ctx.clock() };
      const known = file.success && conflictsOf(ctx, id).some((c) => c.file === file.data);
      const r = known && file.success ? publishFlowFile(ctx.flows, path.resolve(ctx.config.FLOWS_DIR), file.data, who) : undefined;
      if (!r) return reply.redirect(`/coord/flows/${id}?err=flow_file_missing`, 303);
      if (!r.ok) return reply.redirect(`/coord/flows/${id}?err=publish_refused`, 303);
      if (r.changed) audit(ctx.repos, { actorKind: 'user', actorId: who.userId, action: 'flow.publish', entityType: 'flow', entityId: id, details: { version: r.version, origin: `file:${file.data!}` } }, who.now);
      return reply.redirect(`/coord/flows/${id}?ok=flow_file_published&v=${r.version}`, 303);
    });
  };
}
