import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/domain/channel.js';
import { cloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { envelope, inboundMessage, mediaExtra, sign, type Json } from '../support/graph-webhooks.js';

const PATIENT = '6281311112222';

describe('whatsapp cloud webhook', () => {
  let h: CloudHarness;
  let inbox: InboundMessage[];
  /** What a pipeline does with redeliveries: one conversation turn per channelMessageId. */
  let handled: Set<string>;

  beforeEach(async () => {
    h = await cloudHarness();
    inbox = [];
    handled = new Set();
    await h.channel.start(async (m) => {
      inbox.push(m);
      handled.add(m.channelMessageId);
    });
  });
  afterEach(async () => {
    await h.channel.stop();
    await h.close();
  });

  const body = (text = 'Saya demam') =>
    JSON.stringify(inboundMessage(h.api.phoneNumberId, { waId: PATIENT, id: 'wamid.SIG1', seconds: 1_790_000_000, type: 'text', extra: { text: { body: text } } }));

  describe('signature: nothing unsigned or mis-signed is even parsed', () => {
    const cases: { name: string; headers: (b: string) => Record<string, string> }[] = [
      { name: 'missing', headers: () => ({}) },
      { name: 'wrong', headers: () => ({ 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }) },
      { name: 'truncated', headers: (b) => ({ 'x-hub-signature-256': sign(b, h.api.appSecret).slice(0, 40) }) },
      { name: 'made with another secret', headers: (b) => ({ 'x-hub-signature-256': sign(b, 'someone-elses-secret') }) },
      { name: 'without the sha256= prefix', headers: (b) => ({ 'x-hub-signature-256': sign(b, h.api.appSecret).slice(7) }) },
      { name: 'over a different body', headers: () => ({ 'x-hub-signature-256': sign(body('Saya sehat'), h.api.appSecret) }) },
    ];
    for (const c of cases) {
      it(`a ${c.name} signature is a 401 with no effect`, async () => {
        const b = body();
        const r = await h.api.post(b, c.headers(b));
        expect(r.status).toBe(401);
        expect(inbox).toEqual([]);
        expect(await h.store.lastInboundAt(`${PATIENT}@s.whatsapp.net`)).toBeUndefined();
      });
    }

    it('a body that is not JSON but correctly signed is a 400', async () => {
      const r = await h.api.post('not json', { 'x-hub-signature-256': sign('not json', h.api.appSecret) });
      expect(r.status).toBe(400);
    });

    it('a replayed body is answered 200 again and handled once (same message id for the pipeline to drop)', async () => {
      const b = body();
      expect((await h.api.post(b)).status).toBe(200);
      expect((await h.api.post(b)).status).toBe(200);
      expect(inbox.map((m) => m.channelMessageId)).toEqual(['wamid.SIG1', 'wamid.SIG1']);
      expect(handled.size).toBe(1);
    });

    it('ignores a correctly signed webhook for another phone number of the same app', async () => {
      const other = JSON.stringify(inboundMessage('999999999999', { waId: PATIENT, id: 'wamid.X', seconds: 1, type: 'text', extra: { text: { body: 'hi' } } }));
      expect((await h.api.post(other)).status).toBe(200);
      expect(inbox).toEqual([]);
    });
  });

  describe('subscription check (GET)', () => {
    const get = (q: string) => fetch(`${h.webhookUrl}?${q}`).then(async (r) => ({ status: r.status, body: await r.text() }));
    it('echoes the challenge for the right verify token', async () => {
      expect(await get('hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=1158201444')).toEqual({ status: 200, body: '1158201444' });
    });
    it('refuses a wrong token or mode', async () => {
      expect((await get('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1')).status).toBe(403);
      expect((await get('hub.mode=unsubscribe&hub.verify_token=verify-me-please&hub.challenge=1')).status).toBe(403);
      expect((await get('hub.verify_token=verify-me-please&hub.challenge=1')).status).toBe(403);
    });
  });

  describe('inbound: what a patient sends becomes one normalised message', () => {
    const cases: { name: string; type: string; extra: Json; content: InboundMessage['content'] }[] = [
      { name: 'text', type: 'text', extra: { text: { body: 'Saya demam' } }, content: { kind: 'text', text: 'Saya demam' } },
      {
        name: 'a reply button tap',
        type: 'interactive',
        extra: { interactive: { type: 'button_reply', button_reply: { id: 'home', title: 'Rumah' } } },
        content: { kind: 'choice', value: 'home', label: 'Rumah' },
      },
      {
        name: 'a list row pick',
        type: 'interactive',
        extra: { interactive: { type: 'list_reply', list_reply: { id: 'd3', title: '3 hari lalu', description: '' } } },
        content: { kind: 'choice', value: 'd3', label: '3 hari lalu' },
      },
      {
        name: "a template's quick-reply button",
        type: 'button',
        extra: { button: { payload: 'stop', text: 'Berhenti' } },
        content: { kind: 'choice', value: 'stop', label: 'Berhenti' },
      },
      {
        name: 'shared contacts (WhatsApp id, international and local numbers)',
        type: 'contacts',
        extra: {
          contacts: [
            { name: { formatted_name: 'Siti Aminah', first_name: 'Siti' }, phones: [{ phone: '+62 812-3456-7890', wa_id: '6281234567890', type: 'CELL' }] },
            { name: { first_name: 'Agus', last_name: 'Salim' }, phones: [{ phone: '+62 857 1111 2222', type: 'HOME' }] },
            { name: { formatted_name: 'Bu RT' }, phones: [{ phone: '0813-9999-8888', type: 'CELL' }] },
            { name: { formatted_name: 'No phone' }, phones: [] },
          ],
        },
        content: {
          kind: 'contacts',
          contacts: [
            { name: 'Siti Aminah', phone: '+6281234567890' },
            { name: 'Agus Salim', phone: '+6285711112222' },
            { name: 'Bu RT', phone: '0813-9999-8888' },
          ],
        },
      },
      { name: 'a location', type: 'location', extra: { location: { latitude: -6.2, longitude: 106.8 } }, content: { kind: 'location', latitude: -6.2, longitude: 106.8 } },
      { ...mediaExtra('image', 1), name: 'a photo', content: { kind: 'media', media: 'photo', caption: 'hasil lab' } },
      { ...mediaExtra('voice', 2), name: 'a voice note', content: { kind: 'media', media: 'voice' } },
      { ...mediaExtra('audio', 3), name: 'an audio file', content: { kind: 'media', media: 'audio' } },
      { ...mediaExtra('video', 4), name: 'a video', content: { kind: 'media', media: 'video' } },
      { ...mediaExtra('document', 5), name: 'a document', content: { kind: 'media', media: 'document' } },
      { ...mediaExtra('sticker', 6), name: 'a sticker', content: { kind: 'media', media: 'sticker' } },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        expect((await h.api.patientSends(PATIENT, c.type, c.extra, 'Budi')).status).toBe(200);
        expect(inbox).toHaveLength(1);
        expect(inbox[0]).toMatchObject({ channel: 'whatsapp', channelUserId: `${PATIENT}@s.whatsapp.net`, phone: `+${PATIENT}`, displayName: 'Budi', content: c.content });
      });
    }

    const ignored: { name: string; type: string; extra: Json }[] = [
      { name: 'a reaction', type: 'reaction', extra: { reaction: { message_id: 'wamid.OUT', emoji: '👍' } } },
      { name: 'an unsupported message', type: 'unsupported', extra: { errors: [{ code: 131051, title: 'Message type unknown' }] } },
      { name: 'a system notice (number changed)', type: 'system', extra: { system: { body: 'changed number', type: 'user_changed_number', new_wa_id: '628555' } } },
      { name: 'a group message', type: 'text', extra: { group_id: '120363000000000', text: { body: 'halo grup' } } },
      { name: 'a WhatsApp Flow reply', type: 'interactive', extra: { interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}' } } } },
    ];
    for (const c of ignored) {
      it(`ignores ${c.name} and still answers 200`, async () => {
        expect((await h.api.patientSends(PATIENT, c.type, c.extra)).status).toBe(200);
        expect(inbox).toEqual([]);
        expect(h.logs.find((l) => l.msg === 'whatsapp cloud message ignored')).toBeDefined();
      });
    }

    it('ignores a sender known only by a username id (no phone number to answer or link)', async () => {
      const body = envelope(h.api.phoneNumberId, {
        contacts: [{ profile: { name: 'K', username: 'kfisher' }, user_id: 'US.1234' }],
        messages: [{ from: 'US.1234', from_user_id: 'US.1234', id: 'wamid.U1', timestamp: '1790000000', type: 'text', text: { body: 'halo' } }],
      });
      expect((await h.api.post(JSON.stringify(body))).status).toBe(200);
      expect(inbox).toEqual([]);
      expect(h.logs.find((l) => l.msg === 'whatsapp cloud message ignored')?.obj).toMatchObject({ reason: 'no_phone' });
    });

    it('hands over every message of a batch, in order, and reads the statuses beside them', async () => {
      const batch = envelope(h.api.phoneNumberId, {
        contacts: [{ profile: { name: 'A' }, wa_id: PATIENT }],
        messages: ['satu', 'dua', 'tiga'].map((t, i) => ({ from: PATIENT, id: `wamid.B${i}`, timestamp: '1790000000', type: 'text', text: { body: t } })),
        statuses: [{ id: 'wamid.OUT1', status: 'read', timestamp: '1790000001', recipient_id: PATIENT }],
      });
      expect((await h.api.post(JSON.stringify(batch))).status).toBe(200);
      expect(inbox.map((m) => (m.content.kind === 'text' ? m.content.text : '?'))).toEqual(['satu', 'dua', 'tiga']);
      expect(h.statuses).toEqual([{ channelMessageId: 'wamid.OUT1', channelUserId: `${PATIENT}@s.whatsapp.net`, status: 'read', at: 1_790_000_001_000 }]);
    });

    it('answers 500 when the pipeline could not take the message, so Meta delivers it again', async () => {
      await h.channel.stop();
      await h.channel.start(async () => {
        throw new Error('redis down');
      });
      expect((await h.api.sendText(PATIENT, 'halo')).status).toBe(500);
    });
  });
});
