import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Repositories } from '../../domain/repositories/index.js';
import { contactMonitoring, type MonitoringActions } from '../../services/monitoring/index.js';
import { errorBody } from '../error-body.js';

const IdParams = z.object({ id: z.coerce.number().int().positive() });
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'an ISO date (YYYY-MM-DD or a timestamp)')
  .refine((v) => !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)), 'not a real date')
  .transform((v) => v.slice(0, 10));
const TestResultBody = z.object({ result: z.enum(['positive', 'negative']), testedAt: isoDate }).strict();

/** What the contacts API needs from the API's dependencies. */
interface ContactsApiDeps {
  clock: () => number;
  monitoring?: MonitoringActions;
}

const problemsOf = (e: z.ZodError) => e.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));

/**
 * `GET /contacts/{id}` (the contact with their monitoring status and check-ins) and `POST /contacts/{id}/test-results`
 * (a lab result: positive makes them a case linked to the case who named them; idempotent), under /api/v1.
 */
export function contactsApi(api: FastifyInstance, repos: Repositories, deps: ContactsApiDeps): void {
  api.get('/contacts/:id', { schema: { summary: 'A contact with their monitoring status and daily check-ins', tags: ['contacts'] } }, async (req, reply) => {
    const p = IdParams.safeParse(req.params);
    const contact = p.success ? repos.monitoring.contact(p.data.id) : undefined;
    if (!p.success || !contact) return reply.code(404).send(errorBody('http:not_found', { message: 'no such contact' }));
    const m = contactMonitoring(repos, contact.id);
    return {
      ...contact,
      monitoring: m
        ? {
            ...m.enrolment,
            stage: m.stage,
            checkins: m.checkins.map((k) => ({ date: k.date, day: k.day, status: k.status, sentAt: k.sentAt, answeredAt: k.answeredAt, hasSymptoms: k.hasSymptoms, symptoms: k.symptoms, testResult: k.testResult })),
          }
        : null,
    };
  });

  api.post(
    '/contacts/:id/test-results',
    {
      schema: {
        summary: 'Record a lab result for a contact (positive: they become a case linked to the case who named them); idempotent',
        tags: ['contacts'],
        body: { type: 'object', properties: { result: { type: 'string', enum: ['positive', 'negative'] }, testedAt: { type: 'string' } }, required: ['result', 'testedAt'] },
      },
      // The schema documents the body; zod (TestResultBody) decides, as for cases.
      validatorCompiler: () => () => true,
    },
    async (req: FastifyRequest, reply) => {
      const p = IdParams.safeParse(req.params);
      if (!p.success) return reply.code(404).send(errorBody('http:not_found', { message: 'no such contact' }));
      const body = TestResultBody.safeParse(req.body);
      if (!body.success) return reply.code(400).send(errorBody('http:invalid', { problems: problemsOf(body.error) }));
      if (!deps.monitoring) return reply.code(503).send(errorBody('http:internal', { message: 'contact follow-up is not running in this process' }));
      const token = (req as FastifyRequest & { apiToken?: { id: number } }).apiToken;
      const r = await deps.monitoring.recordTestResult(p.data.id, body.data, { kind: 'token', id: token?.id ?? null, ip: req.ip });
      if (r.kind === 'not_found') return reply.code(404).send(errorBody('http:not_found', { message: 'no such contact' }));
      if (r.kind === 'not_followed') return reply.code(409).send(errorBody('api:contact_not_followed'));
      return reply.code(200).send({ recorded: !r.duplicate, duplicate: r.duplicate, enrolmentId: r.enrolmentId, ...(r.caseId !== undefined ? { caseId: r.caseId } : {}) });
    },
  );
}
