import type { FastifyInstance } from 'fastify';
import { officeWideGuard } from '../../access-guard.js';
import type { WebContext } from '../../context.js';
import { caseRoutes } from './cases.js';
import { contactRoutes } from './contacts.js';
import { dashboardRoutes } from './dashboard.js';
import { flowFormRoutes } from './flow-form.js';
import { flowRoutes } from './flows.js';
import { flowConflictRoutes } from './flow-conflicts.js';
import { importRoutes } from './import.js';
import { monitoringRoutes } from './monitoring.js';
import { simulatorRoutes } from './simulator.js';

/** The coordinators' workspace (role coordinator or higher): dashboard, cases and import, contacts and chains, flow editor. */
export function coordinatorRoutes(ctx: WebContext) {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', officeWideGuard(ctx));
    await app.register(dashboardRoutes(ctx));
    await app.register(caseRoutes(ctx));
    await app.register(importRoutes(ctx));
    await app.register(contactRoutes(ctx));
    await app.register(flowRoutes(ctx));
    await app.register(flowFormRoutes(ctx));
    await app.register(flowConflictRoutes(ctx));
    await app.register(simulatorRoutes(ctx));
    await app.register(monitoringRoutes(ctx));
  };
}
