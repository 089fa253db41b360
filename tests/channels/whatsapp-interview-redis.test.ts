import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { CHOICE_HINT } from '../../src/channels/whatsapp/index.js';
import { createRepositories } from '../../src/db/index.js';
import { createApiToken } from '../../src/services/api-tokens.js';
import { FakeWaNetwork } from '../support/fake-wa-socket.js';
import { apiClient, nextMessageWith } from '../support/api-client.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

const PATIENT = '6281211112222@s.whatsapp.net';

/** WhatsApp on, the fake socket injected through the system's override, no real waits (pacing, typing, jitter). */
export const WHATSAPP_TEST_ENV = {
  WHATSAPP_ENABLED: 'true',
  WHATSAPP_RATE_PER_MINUTE: '600',
  WHATSAPP_CHAT_INTERVAL_MS: '0',
  WHATSAPP_JITTER_MS: '0',
};

describe('a patient interviewed on WhatsApp (fake socket, full system)', () => {
  let net: FakeWaNetwork;
  let sys: Sys;
  let token: string;

  const http = apiClient(() => sys.address, () => token);
  /** Wait for the next bot message to this chat containing `text`, after `from.n` messages. */
  const botSays = (jid: string, text: string, from: { n: number }) => nextMessageWith(() => net.sentTo(jid), text, from);
  const says = (text: string) => net.patientSends(PATIENT, { conversation: text });

  beforeEach(async () => {
    net = new FakeWaNetwork();
    sys = await startTestSystem(
      inject('redisUrl'),
      { ...WHATSAPP_TEST_ENV, OUTREACH_ON_CREATE: 'false' },
      { whatsapp: { socketFactory: net.factory, sleep: async () => {}, printQr: () => {}, lock: { ttlMs: 3_000, retryMs: 50 } } },
    );
    token = createApiToken(createRepositories(sys.db), 'test', 'coordinator', Date.now()).token;
  });
  afterEach(async () => {
    await sys?.stop();
  });

  it('runs the whole interview with numbered answers and a shared contact card, and lists the contact in the API', async () => {
    const t0 = Date.now();
    expect(sys.channels.map((c) => c.name)).toEqual(['whatsapp']);
    const created = await http('POST', '/api/v1/cases', { externalId: 'WA-0001', name: 'Budi Santoso', phone: '0812-1111-2222', dateOfBirth: '1990-03-14', language: 'en' });
    expect(created.status).toBe(201);

    // The patient writes first from the number on the lab result: the chat is linked to the case by its phone JID.
    const seen = { n: 0 };
    says('halo');
    // Issue 17: the phone only says whom we expect; nothing else is said until the person types their birth date.
    await botSays(PATIENT, 'important health message for Budi', seen);
    await botSays(PATIENT, 'Please type your date of birth', seen);
    for (const m of net.sentTo(PATIENT)) expect(forbiddenFacts(m.text, { name: 'Budi Santoso', dateOfBirth: '1990-03-14', caseNumber: 'WA-0001' }), m.text).toEqual([]);
    says('14 March 1990');
    await botSays(PATIENT, 'Hello Budi, thank you for confirming', seen);
    const consent = await botSays(PATIENT, 'willing to answer', seen);
    // Choices travel as a numbered list with the bilingual hint; the patient answers with the number.
    expect(consent.text).toMatch(/1\. Yes\n2\. No/);
    expect(consent.text).toContain(CHOICE_HINT);
    says('1');
    await botSays(PATIENT, 'symptoms', seen);
    says('1');
    await botSays(PATIENT, 'first symptoms start', seen);
    says('yesterday');
    await botSays(PATIENT, 'Which symptoms', seen);
    says('1, 2');
    await botSays(PATIENT, 'isolating', seen);
    says('1');
    await botSays(PATIENT, 'How many other people', seen);
    says('2');
    await botSays(PATIENT, 'full name', seen);

    // At the contacts step the patient shares a card from the phone book instead of typing a name and number.
    net.patientSends(PATIENT, {
      contactMessage: {
        displayName: 'Siti',
        vcard: 'BEGIN:VCARD\nVERSION:3.0\nN:Aminah;Siti;;;\nFN:Siti Aminah\nTEL;type=CELL;type=VOICE;waid=6281234567890:+62 812-3456-7890\nEND:VCARD',
      },
    });
    const where = await botSays(PATIENT, 'Where were you in contact with Siti Aminah', seen);
    expect(where.text).toContain('1. Same household');
    says('1');
    await botSays(PATIENT, 'When did you last see', seen);
    says('today');
    await botSays(PATIENT, 'have any symptoms', seen);
    says('2');
    await botSays(PATIENT, 'anyone else', seen);
    says('2');
    await botSays(PATIENT, 'Which place did you visit', seen);
    says('none');
    const summary = await botSays(PATIENT, 'people you listed', seen);
    expect(summary.text).toContain('Siti Aminah');
    says('1');
    await botSays(PATIENT, 'Thank you very much', seen);

    // Every reply looked typed: "composing" then "paused" before each message.
    const presence = net.current.presence.filter((p) => p.jid === PATIENT).map((p) => p.type);
    expect(presence.filter((p) => p === 'composing').length).toBe(net.sentTo(PATIENT).length);

    const detail = await eventually(async () => {
      const r = await http('GET', '/api/v1/cases/WA-0001');
      return r.json.status === 'completed' && r.json.contacts.length === 1 ? r.json : undefined;
    }, 'completed case with a contact');
    expect(detail.answers).toMatchObject({ consent: true, household_size: 2, symptoms: ['fever', 'cough'], isolation: 'home' });
    const contacts = await eventually(async () => {
      const r = await http('GET', '/api/v1/contacts');
      return r.json.contacts.length ? r.json.contacts : undefined;
    }, 'contacts');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ name: 'Siti Aminah', phone: '+6281234567890', setting: 'household', caseExternalId: 'WA-0001' });

    // One conversation, on the patient's phone JID, linked to the case.
    const convs = sys.db.$client.prepare(`SELECT channel, channel_user_id AS chat, case_id AS caseId FROM conversations`).all();
    expect(convs).toEqual([{ channel: 'whatsapp', chat: PATIENT, caseId: created.json.cases[0].id }]);
    // Outbound rows carry the WhatsApp message ids, which answer baileys' resend requests (getMessage).
    const out = sys.db.$client.prepare(`SELECT channel_message_id AS id, text FROM messages WHERE direction = 'out' ORDER BY id LIMIT 1`).get() as { id: string; text: string };
    const resend = await net.current.input.getMessage({ id: out.id, remoteJid: PATIENT, fromMe: true });
    expect(resend?.conversation).toBeTruthy();
    console.info(`whatsapp interview: ${net.sentTo(PATIENT).length} bot messages in ${Date.now() - t0} ms`);
  });

  it('answers a photo with a polite "please type" and records it, then goes on with the question', async () => {
    await http('POST', '/api/v1/cases', { externalId: 'WA-0002', name: 'Budi Santoso', phone: '0812-1111-2222', language: 'en' });
    const seen = { n: 0 };
    says('halo');
    await botSays(PATIENT, 'Please type the reference number', seen);
    net.patientSends(PATIENT, { imageMessage: { caption: 'my result', mimetype: 'image/jpeg' } });
    const reply = await botSays(PATIENT, 'Please type your answer', seen);
    expect(reply.text).toMatch(/only read text messages/);
    // The question is asked again, so the patient knows what to type.
    await botSays(PATIENT, 'Please type the reference number', seen);
    const media = await eventually(
      () => sys.db.$client.prepare(`SELECT kind, text, payload FROM messages WHERE direction = 'in' AND kind <> 'text'`).get() as { kind: string; text: string; payload: string } | undefined,
      'recorded media message',
    );
    expect(media).toMatchObject({ kind: 'media', text: 'my result' });
    expect(media.payload).toContain('photo');
    says('WA-0002');
    await botSays(PATIENT, 'willing to answer', seen);
  });
});
