import { afterEach, describe, expect, inject, it } from 'vitest';
import { createRepositories } from '../../src/db/repositories/index.js';
import { createApiToken } from '../../src/services/api-tokens.js';
import type { SystemOverrides } from '../../src/system.js';
import { FakeWaNetwork, waError } from '../support/fake-wa-socket.js';
import { apiClient, nextMessageWith } from '../support/api-client.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const PATIENT = '6281211112222@s.whatsapp.net';

describe('outreach while this process holds the WhatsApp lease but its connection is down (fake socket, real Redis)', () => {
  let net: FakeWaNetwork;
  let sys: Sys;
  let token: string;

  const start = async (outreach: SystemOverrides['outreach']) => {
    // A linked session whose connection does not open until the test says so.
    net = new FakeWaNetwork(false);
    sys = await startTestSystem(
      inject('redisUrl'),
      { WHATSAPP_ENABLED: 'true', OUTREACH_CHANNEL: 'whatsapp', WHATSAPP_RATE_PER_MINUTE: '600', WHATSAPP_CHAT_INTERVAL_MS: '0', WHATSAPP_JITTER_MS: '0' },
      {
        whatsapp: { socketFactory: net.factory, sleep: async () => {}, printQr: () => {}, lock: { ttlMs: 3_000, retryMs: 50 }, openWaitMs: 20 },
        outreach,
      },
    );
    token = createApiToken(createRepositories(sys.db), 'test', 'coordinator', Date.now()).token;
  };
  const http = apiClient(() => sys.address, () => token);
  const createCase = async (externalId: string) => {
    const r = await http('POST', '/api/v1/cases', { externalId, name: 'Budi Santoso', phone: '0812-1111-2222', dateOfBirth: '1990-03-14', language: 'en' });
    expect(r.status).toBe(201);
    return r.json.cases[0] as { id: number };
  };
  const caseStatus = async (ref: string) => (await http('GET', `/api/v1/cases/${ref}`)).json.status as string;
  const outreachJob = async () => (await sys.outreach.queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed']))[0];
  const auditRows = () =>
    sys.db.$client.prepare(`SELECT actor_kind AS actor, action, entity_id AS caseId, details FROM audit_log WHERE action = 'case.outreach_failed'`).all();

  afterEach(async () => {
    await sys?.stop();
  });

  it('waits for the connection without spending attempts, and writes first once it opens', async () => {
    await start({ waitMs: 30, backoffMs: 10 });
    await eventually(() => (sys.channels[0] && net.sockets.length > 0 ? true : undefined), 'socket created');
    await createCase('WA-DOWN-1');

    // Many rounds of "no connection" (each one openWaitMs + waitMs): far more than the job's 6 attempts.
    const since = Date.now();
    const waiting = await eventually(async () => {
      const job = await outreachJob();
      return job && job.attemptsStarted > 8 ? job : undefined;
    }, 'more checks than the job has attempts');
    expect(waiting.data.waitingSince).toEqual(expect.any(Number));
    expect(await waiting.getState()).toMatch(/delayed|active|waiting/);
    expect(waiting.attemptsMade).toBe(0);
    expect(await sys.outreach.queue.getJobCounts('failed')).toEqual({ failed: 0 });
    expect(await caseStatus('WA-DOWN-1')).toBe('new');
    console.info(`outreach waited ${Date.now() - since} ms over ${waiting.attemptsStarted} checks, attempts spent: ${waiting.attemptsMade}`);

    net.current.open();
    // The first message is the identity check's neutral opener (issue 17): first name only, nothing else disclosed.
    await nextMessageWith(() => net.sentTo(PATIENT), 'important health message for Budi', { n: 0 });
    expect(await caseStatus('WA-DOWN-1')).toBe('contacting');
    // Completed on its first counted attempt (BullMQ counts the successful one too): the waits spent none.
    const done = (await outreachJob())!;
    expect(await done.getState()).toBe('completed');
    expect(done.attemptsMade).toBe(1);
    expect(auditRows()).toEqual([]);
  });

  it('gives up after waiting the longest it may: the case needs a call, with the reason recorded, and no failed job', async () => {
    await start({ waitMs: 30, maxWaitMs: 400, backoffMs: 10 });
    const c = await createCase('WA-DOWN-2');
    await eventually(async () => ((await caseStatus('WA-DOWN-2')) === 'needs_call' ? true : undefined), 'case needs a call');
    const job = (await outreachJob())!;
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toBe('channel_unavailable');
    expect(await sys.outreach.queue.getJobCounts('failed')).toEqual({ failed: 0 });
    expect(auditRows()).toEqual([
      { actor: 'system', action: 'case.outreach_failed', caseId: String(c.id), details: JSON.stringify({ reason: 'outreach:channel_unavailable', jobId: job.id }) },
    ]);
    expect(net.sent).toEqual([]);
  });

  it('an outreach that fails on every attempt for a real reason leaves the case needing a call', async () => {
    await start({ waitMs: 30, backoffMs: 10 });
    await eventually(() => (net.sockets.length > 0 ? true : undefined), 'socket created');
    net.current.open();
    // Connected, but WhatsApp errors on every number check.
    net.current.onWhatsApp = async () => {
      throw waError('bad request', 400);
    };
    const c = await createCase('WA-DOWN-3');
    await eventually(async () => ((await outreachJob())?.finishedOn ? true : undefined), 'job finished', 15_000);
    const job = (await outreachJob())!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(6);
    expect(await caseStatus('WA-DOWN-3')).toBe('needs_call');
    expect(auditRows()).toEqual([
      { actor: 'system', action: 'case.outreach_failed', caseId: String(c.id), details: JSON.stringify({ reason: 'outreach:failed', jobId: job.id }) },
    ]);
  });
});
