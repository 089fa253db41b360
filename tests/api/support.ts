import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/services/api-tokens.js';
import { apiRoutes } from '../../src/web/api/api-routes.js';
import { createRepositories } from '../../src/db/index.js';
import { buildTestWeb, tempDb, type TestWeb } from '../support/seed.js';

/** A fixed clock for API tests: 2026-11-25 08:00 UTC (15:00 in Jakarta). */
export const API_NOW = Date.parse('2026-11-25T08:00:00Z');

/** The web app with the REST API over a fresh SQLite file (no Redis: outreach off), and a coordinator token. */
export async function buildApiWeb(): Promise<TestWeb & { token: string }> {
  const clock = () => API_NOW;
  const { db, file } = tempDb();
  const web = await buildTestWeb({
    db,
    clock,
    plugins: [apiRoutes({ db, clock, timezone: 'Asia/Jakarta', defaultCountry: 'ID', startCodeTtlMs: 7 * 86_400_000 })],
  });
  return { ...web, file, token: createApiToken(createRepositories(web.db), 'lab', 'coordinator', API_NOW).token };
}

/** POST JSON (or a raw string) to the API with a bearer token. */
export function postJson(app: FastifyInstance, token: string, url: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Rows in a table (to prove nothing was written). */
export function rows(web: TestWeb, table: string): number {
  return (web.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}
