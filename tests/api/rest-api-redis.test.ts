import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import { createApiToken, revokeApiToken } from '../../src/services/api-tokens.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('REST API and operations routes', () => {
  let sys: Sys;
  let token: string;
  let adminToken: string;

  beforeAll(async () => {
    sys = await startTestSystem(inject('redisUrl'));
    token = createApiToken(createRepositories(sys.db), 'lab import', 'coordinator', Date.now()).token;
    adminToken = createApiToken(createRepositories(sys.db), 'ops', 'admin', Date.now()).token;
  });
  afterAll(async () => {
    await sys.stop();
  });

  const call = async (method: string, path: string, body?: unknown, auth: string | null = token) => {
    const res = await fetch(`${sys.address}${path}`, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, type: res.headers.get('content-type') ?? '' };
  };

  it('refuses calls without a valid token, and a revoked one', async () => {
    expect((await call('GET', '/api/v1/escalations', undefined, null)).status).toBe(401);
    expect((await call('GET', '/api/v1/escalations', undefined, 'tb_wrong')).status).toBe(401);
    const { id, token: t } = createApiToken(createRepositories(sys.db), 'temp', 'coordinator', Date.now());
    expect((await call('GET', '/api/v1/escalations', undefined, t)).status).toBe(200);
    revokeApiToken(createRepositories(sys.db), id, Date.now());
    expect((await call('GET', '/api/v1/escalations', undefined, t)).status).toBe(401);
  });

  it('creates cases idempotently on the external case id, with phones in E.164', async () => {
    const body = { cases: [{ externalId: 'A-1', name: 'Dewi Lestari', phone: '0813 2222 3333', testDate: '2026-11-20' }, { externalId: 'A-2', name: 'Rudi' }] };
    const first = await call('POST', '/api/v1/cases', body);
    expect(first.status).toBe(201);
    expect(first.json.cases.map((c: any) => [c.externalId, c.created, typeof c.startCode])).toEqual([
      ['A-1', true, 'string'],
      ['A-2', true, 'string'],
    ]);
    const again = await call('POST', '/api/v1/cases', body);
    expect(again.status).toBe(200);
    expect(again.json.cases.map((c: any) => [c.id, c.created, c.startCode])).toEqual(first.json.cases.map((c: any) => [c.id, false, undefined]));
    const read = await call('GET', '/api/v1/cases/A-1');
    expect(read.json).toMatchObject({ externalId: 'A-1', phone: '+6281322223333', status: 'new', answers: {}, contacts: [], transcript: [] });
  });

  it('answers an invalid batch with 400 naming every bad field, and writes nothing', async () => {
    const before = sys.db.$client.prepare('SELECT count(*) AS n FROM cases').get();
    const r = await call('POST', '/api/v1/cases', {
      cases: [
        { externalId: 'B-1', name: 'Valid Person' },
        { externalId: 'B-2', name: '', phone: '12' },
        { externalId: 'B-3', name: 'X', testDate: '25/11/2026', language: 'fr' },
        { externalId: 'B-1', name: 'Twice' },
      ],
    });
    expect(r.status).toBe(400);
    const fields = r.json.problems.map((p: any) => `${p.index}:${p.field}`);
    expect(fields).toEqual(expect.arrayContaining(['1:name', '2:testDate', '2:language', '3:externalId']));
    expect(sys.db.$client.prepare('SELECT count(*) AS n FROM cases').get()).toEqual(before);
    expect((await call('POST', '/api/v1/cases', 'not json at all')).status).toBe(400);
  });

  it('lists contacts as JSON and CSV once an interview names them', async () => {
    const created = await call('POST', '/api/v1/cases', { externalId: 'C-1', name: 'Ani', language: 'en', dateOfBirth: '1990-01-01' });
    const code = created.json.cases[0].startCode as string;
    const phone = sys.fakePlatform!;
    const user = 'c1-phone';
    const say = (text: string) => phone.patientSends(user, { kind: 'text', text });
    const expectBot = async (fragment: string) => {
      const seen = phone.inbox(user).length;
      await eventually(() => (phone.inbox(user).slice(seen - 1).some((d) => d.text.includes(fragment)) ? true : undefined), fragment);
    };
    phone.patientSends(user, { kind: 'start', code });
    // The start link says whom we expect; the person proves it by typing the date of birth (issue 17).
    await eventually(() => (phone.inbox(user).some((d) => d.text.includes('Please type your date of birth')) ? true : undefined), 'identity question');
    const script: [string, string][] = [
      ['01/01/1990', 'willing'],
      ['yes', 'symptoms'],
      ['no', 'test'],
      ['yesterday', 'isolating'],
      ['home', 'How many'],
      ['1', 'full name'],
      ['Rina Marlina', 'mobile number'],
      ['+62 857 1234 5678', 'Where were you'],
      ['2', 'When did you last'],
      ['today', 'symptoms'],
      ['no', 'anyone else'],
    ];
    for (const [answer, next] of script) {
      say(answer);
      await expectBot(next);
    }
    const json = await eventually(async () => {
      const r = await call('GET', '/api/v1/contacts');
      return r.json.contacts.length ? r.json : undefined;
    }, 'a contact');
    expect(json.contacts[0]).toMatchObject({ name: 'Rina Marlina', phone: '+6285712345678', caseExternalId: 'C-1' });
    const csv = await call('GET', '/api/v1/contacts?format=csv');
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('contactId,name,phone,caseId,caseExternalId,setting,lastContactDate,hasSymptoms,quarantineUntil');
    expect(csv.text).toContain('Rina Marlina,+6285712345678');
  });

  it('lists escalations, most urgent and oldest first', async () => {
    const phone = sys.fakePlatform!;
    phone.patientSends('esc-1', { kind: 'text', text: 'halo' });
    await eventually(() => (phone.inbox('esc-1').length ? true : undefined), 'greeting');
    phone.patientSends('esc-1', { kind: 'text', text: 'petugas' });
    const r = await eventually(async () => {
      const x = await call('GET', '/api/v1/escalations?status=open');
      return x.json.escalations.length ? x.json : undefined;
    }, 'an open escalation');
    expect(r.escalations[0]).toMatchObject({ reason: 'patient_asked', status: 'open', channel: 'fake' });
    expect((await call('GET', '/api/v1/escalations?status=weird')).status).toBe(400);
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await call('GET', '/healthz', undefined, null)).json).toEqual({ status: 'ok' });
    expect((await call('GET', '/readyz', undefined, null)).json).toEqual({ status: 'ready', checks: { sqlite: 'ok', redis: 'ok' } });
    const metrics = await call('GET', '/metrics', undefined, null);
    expect(metrics.text).toContain('tracebot_queue_jobs{queue="mailbox-drains",state="waiting"}');
    expect(metrics.text).toContain('tracebot_inbound_to_outbound_seconds_bucket');
    const doc = await call('GET', '/api/docs/json', undefined, null);
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{ref}', '/api/v1/contacts', '/api/v1/escalations']));
  });

  it('keeps Bull Board closed to anyone but admins', async () => {
    expect((await call('GET', '/admin/queues', undefined, token)).status).toBe(403);
    const anonymous = await fetch(`${sys.address}/admin/queues`, { redirect: 'manual' });
    expect([303, 401]).toContain(anonymous.status);
    expect((await call('GET', '/admin/queues', undefined, adminToken)).status).toBe(200);
  });
});
