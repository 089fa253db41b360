import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createRepositories, type Db } from '../../db/index.js';
import type { Repositories } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';
import { verifyApiToken } from '../../services/api-tokens.js';
import { CaseInput, caseRecordsOf, createCases, MAX_CASES_PER_REQUEST, renewStartCode, validateCases } from '../../services/cases.js';
import { caseDetail, listContacts, listEscalations, findCaseId } from '../../services/case-queries.js';
import { toCsv } from '../../services/csv.js';
import QRCode from 'qrcode';
import { errorBody } from '../error-body.js';
import { contactsApi } from './contacts-api.js';
import type { MonitoringActions } from '../../services/monitoring/index.js';
import { subjectsApiRoutes } from './subjects-api.js';

/** The deep link and a QR code image of it (PNG data URL), to print on a letter or send by SMS. */
async function startLink(deepLink: ApiDeps['deepLink'], code: string): Promise<{ telegramLink?: string; telegramQr?: string }> {
  if (!deepLink) return {};
  try {
    const telegramLink = await deepLink(code);
    return { telegramLink, telegramQr: await QRCode.toDataURL(telegramLink, { margin: 1, width: 256 }) };
  } catch {
    // Telegram unreachable right now: the code still works, the link can be fetched again with /start-code.
    return {};
  }
}

export interface ApiDeps {
  db: Db;
  clock: () => number;
  timezone: string;
  defaultCountry: string;
  startCodeTtlMs: number;
  /** The Telegram deep link for a start code, when Telegram is configured. */
  deepLink?: (code: string) => Promise<string>;
  /** Start outreach (write first) to these cases; absent when no outreach channel is configured. */
  outreach?: (caseIds: number[]) => Promise<void>;
  /** Outreach right after creation (OUTREACH_ON_CREATE). */
  outreachOnCreate?: boolean;
  /** Following contacts (issue 16): test results with their effects. */
  monitoring?: MonitoringActions;
  /** The monitoring policy's quarantine days (the end of quarantine in the contacts list); default 14. */
  quarantineDays?: () => number;
}

const EscalationQuery = z.object({ status: z.enum(['open', 'pending', 'resolved']).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });
const ContactQuery = z.object({ format: z.enum(['json', 'csv']).optional(), limit: z.coerce.number().int().min(1).max(100_000).default(10_000) });

/** A zod schema as JSON Schema for the OpenAPI document only (bodies are parsed with zod): no keywords Fastify's ajv rejects. */
function docSchema(schema: z.ZodType): Record<string, unknown> {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'default' && k !== '$schema').map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(z.toJSONSchema(schema, { io: 'input' })) as Record<string, unknown>;
}

const caseBodySchema = {
  oneOf: [
    docSchema(CaseInput),
    {
      type: 'object',
      properties: { cases: { type: 'array', items: docSchema(CaseInput), minItems: 1, maxItems: MAX_CASES_PER_REQUEST } },
      required: ['cases'],
      additionalProperties: false,
    },
  ],
};

/** Bearer-token guard: a valid, unrevoked API token with at least the coordinator role. */
function bearer(repos: Repositories, clock: () => number) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = m ? verifyApiToken(repos, m[1]!, clock()) : undefined;
    if (!token) {
      await reply.code(401).header('www-authenticate', 'Bearer').send(errorBody('auth:unauthorized', { message: 'send Authorization: Bearer <token> (npm run cli -- tokens create <name>)' }));
      return;
    }
    if (token.role === 'tracer') {
      await reply.code(403).send(errorBody('auth:forbidden', { message: 'this token cannot use the API' }));
      return;
    }
    (req as FastifyRequest & { apiToken?: typeof token }).apiToken = token;
  };
}

/** The REST API under /api/v1 (bearer tokens), documented as OpenAPI at /api/docs. */
export function apiRoutes(deps: ApiDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const repos = createRepositories(deps.db);
    const { default: swagger } = await import('@fastify/swagger');
    const { default: swaggerUi } = await import('@fastify/swagger-ui');
    await app.register(swagger, {
      openapi: {
        info: { title: 'tracebot API', version: '1' },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
        security: [{ bearer: [] }],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs' });
    // A person's record (issue 17): admin tokens only, so it has its own guard, beside the /api/v1 one.
    await app.register(subjectsApiRoutes(deps));

    await app.register(
      async (api) => {
        api.addHook('onRequest', bearer(repos, deps.clock));
        const today = () => localDate(deps.clock(), deps.timezone);

        api.post(
          '/cases',
          {
            schema: { summary: 'Create confirmed cases (one or many); idempotent on externalId', tags: ['cases'], body: caseBodySchema },
            // The schema is for the OpenAPI document only. Fastify's ajv would strip unknown fields and coerce types
            // before our handler sees the body; the rules live in services/cases.ts (caseRecordsOf, CaseInput).
            validatorCompiler: () => () => true,
          },
          async (req, reply) => {
            const body = caseRecordsOf(req.body);
            if ('problems' in body) return reply.code(400).send(errorBody('http:invalid', { problems: body.problems }));
            const { valid, problems } = validateCases(body.records, { defaultCountry: deps.defaultCountry, now: deps.clock(), today: today() });
            // All or nothing: a batch with any bad record writes nothing.
            if (problems.length) return reply.code(400).send(errorBody('http:invalid', { problems }));
            const created = createCases(repos, valid.filter((v) => v !== null), { now: deps.clock(), startCodeTtlMs: deps.startCodeTtlMs });
            const cases = await Promise.all(created.map(async (c) => ({ ...c, ...(c.startCode ? await startLink(deps.deepLink, c.startCode) : {}) })));
            const fresh = created.filter((c) => c.created).map((c) => c.id);
            if (deps.outreach && deps.outreachOnCreate && fresh.length) await deps.outreach(fresh);
            return reply.code(created.some((c) => c.created) ? 201 : 200).send({ cases });
          },
        );

        api.get('/cases/:ref', { schema: { summary: 'A case with its status, answers, contacts and transcript', tags: ['cases'] } }, async (req, reply) => {
          const ref = String((req.params as { ref: string }).ref);
          const id = findCaseId(repos, ref);
          const detail = id === undefined ? undefined : caseDetail(repos, id);
          if (!detail) return reply.code(404).send(errorBody('http:not_found', { message: `no case ${ref}` }));
          return detail;
        });

        api.post('/cases/:ref/start-code', { schema: { summary: 'Issue a new single-use start code (the old link stops working)', tags: ['cases'] } }, async (req, reply) => {
          const id = findCaseId(repos, String((req.params as { ref: string }).ref));
          const code = id === undefined ? undefined : renewStartCode(repos, id, { now: deps.clock(), startCodeTtlMs: deps.startCodeTtlMs });
          if (!code) return reply.code(404).send(errorBody('http:not_found'));
          return { startCode: code, ...(await startLink(deps.deepLink, code)) };
        });

        api.post('/cases/:ref/outreach', { schema: { summary: 'Write first to the case on the outreach channel (WhatsApp)', tags: ['cases'] } }, async (req, reply) => {
          const id = findCaseId(repos, String((req.params as { ref: string }).ref));
          if (id === undefined) return reply.code(404).send(errorBody('http:not_found'));
          if (!deps.outreach) return reply.code(409).send(errorBody('api:no_outreach_channel'));
          await deps.outreach([id]);
          return reply.code(202).send({ queued: true });
        });

        api.get('/contacts', { schema: { summary: 'Every contact with its exposures (JSON, or CSV with ?format=csv)', tags: ['contacts'] } }, async (req, reply) => {
          const q = ContactQuery.safeParse(req.query);
          if (!q.success) return reply.code(400).send(errorBody('http:invalid', { problems: q.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) }));
          const rows = listContacts(repos, q.data.limit, deps.quarantineDays?.());
          const wantsCsv = q.data.format === 'csv' || (!q.data.format && /text\/csv/.test(req.headers.accept ?? ''));
          if (wantsCsv) {
            return reply
              .header('content-type', 'text/csv; charset=utf-8')
              .header('content-disposition', 'attachment; filename="contacts.csv"')
              .send(toCsv(rows, ['contactId', 'name', 'phone', 'caseId', 'caseExternalId', 'setting', 'lastContactDate', 'hasSymptoms', 'quarantineUntil']));
          }
          return { contacts: rows };
        });

        contactsApi(api, repos, deps);

        api.get('/escalations', { schema: { summary: 'Escalations, oldest and most urgent first', tags: ['escalations'] } }, async (req, reply) => {
          const q = EscalationQuery.safeParse(req.query);
          if (!q.success) return reply.code(400).send(errorBody('http:invalid', { problems: q.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) }));
          return { escalations: listEscalations(repos, q.data.status, q.data.limit) };
        });
      },
      { prefix: '/api/v1' },
    );
  };
}
