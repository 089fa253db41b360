import { afterEach, describe, expect, inject, it } from 'vitest';
import { createWhatsAppAuthRepository } from '../../src/db/repositories/index.js';
import { useSqliteAuthState, type WhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { createRepositories } from '../../src/db/index.js';
import { createApiToken } from '../../src/services/api-tokens.js';
import { FakeWaNetwork } from '../support/fake-wa-socket.js';
import { apiClient, nextMessageWith } from '../support/api-client.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const PATIENT = '6281211112222@s.whatsapp.net';
const PATIENT_LID = '190283746501234@lid';

describe('outreach on WhatsApp: the health office writes first to a confirmed case (fake socket, full system)', () => {
  let net: FakeWaNetwork;
  let sys: Sys;
  let token: string;

  const ENV = {
    WHATSAPP_ENABLED: 'true',
    OUTREACH_CHANNEL: 'whatsapp',
    WHATSAPP_RATE_PER_MINUTE: '600',
    WHATSAPP_CHAT_INTERVAL_MS: '0',
    WHATSAPP_JITTER_MS: '0',
  };
  const fakeSocket = (n: FakeWaNetwork) => ({ whatsapp: { socketFactory: n.factory, sleep: async () => {}, printQr: () => {}, lock: { ttlMs: 3_000, retryMs: 50 } } });
  const start = async (env: Record<string, string> = {}) => {
    net = new FakeWaNetwork();
    sys = await startTestSystem(inject('redisUrl'), { ...ENV, ...env }, fakeSocket(net));
    token = createApiToken(createRepositories(sys.db), 'test', 'coordinator', Date.now()).token;
  };
  const http = apiClient(() => sys.address, () => token);
  const createCase = async (externalId: string, phone = '0812-1111-2222') => {
    const r = await http('POST', '/api/v1/cases', { externalId, name: 'Budi Santoso', phone, dateOfBirth: '1990-03-14', language: 'en' });
    expect(r.status).toBe(201);
    return r.json.cases[0] as { id: number };
  };
  /** Wait for the next bot message to this chat containing `text`, after `from.n` messages. */
  const botSays = (jid: string, text: string, from: { n: number }) => nextMessageWith(() => net.sentTo(jid), text, from);
  const caseStatus = async (ref: string) => (await http('GET', `/api/v1/cases/${ref}`)).json.status as string;
  const conversations = () =>
    sys.db.$client.prepare(`SELECT channel_user_id AS chat, case_id AS caseId, step_id AS stepId FROM conversations ORDER BY id`).all() as {
      chat: string;
      caseId: number;
      stepId: string;
    }[];

  afterEach(async () => {
    await sys?.stop();
  });

  it('checks the number, sends the first message to its JID, and the reply continues the same conversation', async () => {
    await start();
    const t0 = Date.now();
    const c = await createCase('WA-OUT-1');
    const seen = { n: 0 };
    const first = await botSays(PATIENT, 'important health message for Budi', seen);
    // Issue 17: whoever holds this number reads nothing but the first name until they type the date of birth.
    expect(first.text).toBe('Dinas Kesehatan DKI Jakarta has an important health message for Budi. Please reply to continue.');
    expect(forbiddenFacts(first.text, { name: 'Budi Santoso', dateOfBirth: '1990-03-14', caseNumber: 'WA-OUT-1' })).toEqual([]);
    console.info(`outreach: case created → first WhatsApp message in ${Date.now() - t0} ms`);
    expect(net.current.onWhatsAppCalls).toContainEqual([PATIENT]);
    expect(await caseStatus('WA-OUT-1')).toBe('contacting');

    net.patientSends(PATIENT, { conversation: 'yes?' });
    await botSays(PATIENT, 'Please type your date of birth', seen);
    expect(net.sentTo(PATIENT)).toHaveLength(2);
    net.patientSends(PATIENT, { conversation: '14/03/1990' });
    await botSays(PATIENT, 'willing to answer', seen);
    expect(conversations()).toEqual([{ chat: PATIENT, caseId: c.id, stepId: 'consent' }]);
  });

  it('marks a case whose number is not on WhatsApp for a tracer to call, and sends nothing', async () => {
    await start();
    net.notOnWhatsApp.add('6281233334444@s.whatsapp.net');
    await createCase('WA-OUT-2', '0812-3333-4444');
    await eventually(async () => ((await caseStatus('WA-OUT-2')) === 'needs_call' ? true : undefined), 'case needs a call');
    expect(net.current.onWhatsAppCalls).toContainEqual(['6281233334444@s.whatsapp.net']);
    expect(net.sent).toEqual([]);
    expect(conversations()).toEqual([]);
  });

  it('writes first only when a coordinator asks (POST /cases/:ref/outreach) when outreach on creation is off', async () => {
    await start({ OUTREACH_ON_CREATE: 'false' });
    const c = await createCase('WA-OUT-3');
    // Outreach is requested inside the create request (a job in the outreach queue before the 201): none was.
    expect(await sys.outreach.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      prioritized: 0,
      completed: 0,
      failed: 0,
    });
    expect(net.current.onWhatsAppCalls).toEqual([]);
    expect(await caseStatus('WA-OUT-3')).toBe('new');

    const r = await http('POST', '/api/v1/cases/WA-OUT-3/outreach');
    expect(r).toEqual({ status: 202, json: { queued: true } });
    await botSays(PATIENT, 'important health message for Budi', { n: 0 });
    expect(conversations()).toEqual([{ chat: PATIENT, caseId: c.id, stepId: expect.any(String) }]);
    expect((await http('POST', '/api/v1/cases/NOPE/outreach')).status).toBe(404);
  });

  it('keeps a patient who answers from a LID chat in the conversation outreach opened on the phone JID', async () => {
    await start();
    const c = await createCase('WA-OUT-4');
    const seen = { n: 0 };
    await botSays(PATIENT, 'important health message', seen);

    // WhatsApp addresses the reply by the patient's LID and gives the phone JID as the alternative.
    net.patientSends(PATIENT_LID, { conversation: '1' }, { keyExtras: { remoteJidAlt: PATIENT } });
    await botSays(PATIENT, 'Please type your date of birth', seen);

    // A later LID message without the alternative: baileys learnt the mapping (stored with the session's signal keys).
    const auth = useSqliteAuthState(createWhatsAppAuthRepository(sys.db), 'default');
    const lidUser = PATIENT_LID.split('@')[0]!;
    await auth.state.keys.set({ 'lid-mapping': { '6281211112222': lidUser, [`${lidUser}_reverse`]: '6281211112222' } });
    net.patientSends(PATIENT_LID, { conversation: '14/03/1990' });
    await botSays(PATIENT, 'willing to answer', seen);

    expect(conversations()).toEqual([{ chat: PATIENT, caseId: c.id, stepId: expect.any(String) }]);
    const inbound = sys.db.$client.prepare(`SELECT channel_message_id AS id FROM messages WHERE direction = 'in' ORDER BY id`).all() as { id: string }[];
    expect(inbound).toHaveLength(2);
    expect(inbound.every((m) => m.id.startsWith(`${PATIENT_LID}:`))).toBe(true);
    expect(net.sentTo(PATIENT_LID)).toEqual([]);
  });

  it('sends only from the process holding the WhatsApp socket, and the other process takes over when it stops', async () => {
    await start();
    const netA = net;
    // A second process on the same Redis and SQLite file, running only workers and channels.
    const netB = new FakeWaNetwork();
    const b = await startTestSystem(
      inject('redisUrl'),
      { ...ENV, REDIS_PREFIX: sys.config.REDIS_PREFIX, DATA_DIR: sys.dataDir, ROLES: 'worker,channels' },
      fakeSocket(netB),
    );
    const channelB = b.channels[0] as WhatsAppChannel;
    try {
      expect(channelB.isHolder()).toBe(false);
      const c = await createCase('WA-OUT-5');
      const seen = { n: 0 };
      await botSays(PATIENT, 'important health message', seen);
      expect(netA.current.onWhatsAppCalls).toContainEqual([PATIENT]);
      expect(netB.sockets).toEqual([]);
      expect(netB.sent).toEqual([]);

      await sys.stop();
      sys = b;
      net = netB;
      const t0 = Date.now();
      await eventually(() => (channelB.isHolder() && channelB.linkState().status === 'open' ? true : undefined), 'B holds the socket');
      console.info(`socket handover after a clean stop: ${Date.now() - t0} ms`);
      netB.patientSends(PATIENT, { conversation: '1' });
      await botSays(PATIENT, 'Please type your date of birth', { n: 0 });
      const convs = b.db.$client.prepare(`SELECT channel_user_id AS chat, case_id AS caseId FROM conversations`).all();
      expect(convs).toEqual([{ chat: PATIENT, caseId: c.id }]);
    } finally {
      if (sys !== b) await b.stop();
    }
  });
});
