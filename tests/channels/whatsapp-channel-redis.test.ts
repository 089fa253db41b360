import { afterEach, describe, expect, inject, it } from 'vitest';
import type { InboundMessage } from '../../src/domain/channel.js';
import { CHOICE_HINT, type LinkState } from '../../src/channels/whatsapp/index.js';
import { createTestWhatsApp, FakeWaNetwork, waError, waMessage, type TestWhatsApp } from '../support/fake-wa-socket.js';
import { describeChannelContract, type Delivered } from './channel-contract.js';
import { eventually } from '../support/eventually.js';

const redisUrl = inject('redisUrl');
const patient = (n: number) => `6281200000${String(n).padStart(3, '0')}@s.whatsapp.net`;

/** Read a sent WhatsApp text the way a patient sees it: the message, then the numbered options. */
function asDelivered(text: string): Delivered {
  const m = /^([\s\S]*?)\n\n((?:\d+\. .*(?:\n|$))+)\n_.*_$/.exec(text);
  if (!m) return { text, choices: [] };
  const choices = m[2]!
    .trim()
    .split('\n')
    .map((line) => line.replace(/^\d+\. /, ''));
  return { text: m[1]!, choices };
}

describeChannelContract('whatsapp', async () => {
  const t = createTestWhatsApp(redisUrl);
  const unreachable = '6289999999999@s.whatsapp.net';
  t.net.notOnWhatsApp.add(unreachable);
  const vcard = (name: string, phone: string) =>
    `BEGIN:VCARD\nVERSION:3.0\nFN:${name}\nTEL;type=CELL;type=VOICE;waid=${phone.replace(/\D/g, '')}:${phone}\nEND:VCARD`;
  return {
    channel: t.channel,
    userId: patient,
    unreachableUserId: unreachable,
    patient: {
      sendText: async (u, text) => void t.net.patientSends(u, { conversation: text }),
      sendSticker: async (u) => void t.net.patientSends(u, { stickerMessage: { mimetype: 'image/webp' } }),
      sendContactCard: async (u, name, phone) =>
        void t.net.patientSends(u, { contactMessage: { displayName: name, vcard: vcard(name, phone) } }),
      pressChoice: async (u, label) => {
        const offered = t.net.sentTo(u).map((s) => asDelivered(s.text)).reverse().find((d) => d.choices.includes(label));
        if (!offered) throw new Error(`no option ${label}`);
        t.net.patientSends(u, { conversation: String(offered.choices.indexOf(label) + 1) });
      },
      redeliverLast: async (u) => t.net.redeliverLast(u),
    },
    delivered: async (u) => t.net.sentTo(u).map((s) => asDelivered(s.text)),
    close: () => t.close(),
  };
});

const waitFor = <T>(probe: () => T | undefined, what: string, timeoutMs = 3000) => eventually(probe, what, timeoutMs, 5);

describe('whatsapp channel', () => {
  let t: TestWhatsApp;
  let inbox: InboundMessage[];

  async function started(overrides: Parameters<typeof createTestWhatsApp>[1] = {}): Promise<TestWhatsApp> {
    t = createTestWhatsApp(redisUrl, overrides);
    inbox = [];
    await t.channel.start(async (m) => void inbox.push(m));
    return t;
  }
  const nextInbound = (n: number) => waitFor(() => (inbox.length >= n ? inbox[n - 1] : undefined), `${n} inbound`);

  afterEach(async () => {
    await t?.close();
  });

  describe('inbound: what a patient sends becomes one normalised message', () => {
    const jid = patient(1);
    const cases: { name: string; message: Parameters<typeof waMessage>[1]; content: InboundMessage['content'] }[] = [
      { name: 'plain text', message: { conversation: 'Saya demam' }, content: { kind: 'text', text: 'Saya demam' } },
      {
        name: 'a reply (extended text)',
        message: { extendedTextMessage: { text: 'Ya, betul', contextInfo: { stanzaId: 'Q1' } } },
        content: { kind: 'text', text: 'Ya, betul' },
      },
      {
        name: 'a disappearing-mode text (ephemeral wrapper)',
        message: { ephemeralMessage: { message: { conversation: 'kemarin' } } },
        content: { kind: 'text', text: 'kemarin' },
      },
      {
        name: 'a contact card',
        message: {
          contactMessage: {
            displayName: 'Budi',
            vcard: 'BEGIN:VCARD\nVERSION:3.0\nN:Santoso;Budi;;;\nFN:Budi Santoso\nTEL;type=CELL;type=VOICE;waid=6281311112222:+62 813-1111-2222\nEND:VCARD',
          },
        },
        content: { kind: 'contacts', contacts: [{ name: 'Budi Santoso', phone: '+6281311112222' }] },
      },
      {
        name: 'several contact cards',
        message: {
          contactsArrayMessage: {
            displayName: '2 kontak',
            contacts: [
              { displayName: 'Ani', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Ani\nTEL;type=CELL:0812-3333-4444\nEND:VCARD' },
              { displayName: 'Dewi', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Dewi\\, S.Kep\nitem1.TEL;waid=6281255556666:+62 812-5555-6666\nEND:VCARD' },
            ],
          },
        },
        content: {
          kind: 'contacts',
          contacts: [
            { name: 'Ani', phone: '081233334444' },
            { name: 'Dewi, S.Kep', phone: '+6281255556666' },
          ],
        },
      },
      {
        name: 'a location pin',
        message: { locationMessage: { degreesLatitude: -6.2, degreesLongitude: 106.816666 } },
        content: { kind: 'location', latitude: -6.2, longitude: 106.816666 },
      },
      {
        name: 'a live location',
        message: { liveLocationMessage: { degreesLatitude: -7.25, degreesLongitude: 112.75 } },
        content: { kind: 'location', latitude: -7.25, longitude: 112.75 },
      },
      {
        name: 'a photo with a caption',
        message: { imageMessage: { mimetype: 'image/jpeg', caption: 'hasil tes' } },
        content: { kind: 'media', media: 'photo', caption: 'hasil tes' },
      },
      { name: 'a sticker', message: { stickerMessage: { mimetype: 'image/webp' } }, content: { kind: 'media', media: 'sticker' } },
      {
        name: 'a voice note',
        message: { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 4 } },
        content: { kind: 'media', media: 'voice' },
      },
      {
        name: 'a view-once photo',
        message: { viewOnceMessage: { message: { imageMessage: { mimetype: 'image/jpeg' } } } },
        content: { kind: 'media', media: 'photo' },
      },
      {
        name: 'a document with a caption',
        message: { documentWithCaptionMessage: { message: { documentMessage: { mimetype: 'application/pdf', caption: 'surat' } } } },
        content: { kind: 'media', media: 'document', caption: 'surat' },
      },
      {
        name: 'a list reply',
        message: { listResponseMessage: { title: 'Rumah sakit', singleSelectReply: { selectedRowId: 'hospital' } } },
        content: { kind: 'choice', value: 'hospital', label: 'Rumah sakit' },
      },
      {
        name: 'a button reply',
        message: { buttonsResponseMessage: { selectedButtonId: 'yes', selectedDisplayText: 'Ya' } },
        content: { kind: 'choice', value: 'yes', label: 'Ya' },
      },
      {
        name: 'an interactive (native flow) reply',
        message: {
          interactiveResponseMessage: {
            body: { text: 'Rumah' },
            nativeFlowResponseMessage: { name: 'quick_reply', paramsJson: '{"id":"home"}', version: 3 },
          },
        },
        content: { kind: 'choice', value: 'home', label: 'Rumah' },
      },
      {
        name: 'an edit of an earlier message',
        message: { protocolMessage: { type: 14, key: { remoteJid: jid, fromMe: false, id: 'ORIG1' }, editedMessage: { conversation: '25/11' } } },
        content: { kind: 'edited', text: '25/11', originalId: `${jid}:ORIG1` },
      },
    ];
    for (const c of cases) {
      it(`${c.name}`, async () => {
        await started();
        const sent = t.net.patientSends(jid, c.message, { pushName: 'Siti' });
        const m = await nextInbound(1);
        expect(m).toEqual({
          channel: 'whatsapp',
          channelMessageId: `${jid}:${sent.key!.id}`,
          channelUserId: jid,
          sentAt: Number(sent.messageTimestamp) * 1000,
          displayName: 'Siti',
          phone: '+6281200000001',
          content: c.content,
        });
      });
    }

    it('a LID chat with a phone alternative is the phone JID\'s chat, so outreach and replies share one conversation', async () => {
      await started();
      t.net.patientSends('123456789012345@lid', { conversation: 'halo' }, { id: 'LID1', keyExtras: { remoteJidAlt: '6285711112222@s.whatsapp.net' } });
      const m = await nextInbound(1);
      expect(m).toMatchObject({
        channelUserId: '6285711112222@s.whatsapp.net',
        channelMessageId: '123456789012345@lid:LID1',
        phone: '+6285711112222',
        content: { kind: 'text', text: 'halo' },
      });
    });

    it('a LID chat without a phone alternative has no phone', async () => {
      await started();
      t.net.patientSends('98765@lid', { conversation: 'halo' });
      const m = await nextInbound(1);
      expect(m.channelUserId).toBe('98765@lid');
      expect(m.phone).toBeUndefined();
    });

    it('ignores status updates, groups, newsletters, our own messages, reactions, revokes, poll votes and ephemeral settings', async () => {
      await started();
      const ignored = [
        waMessage('status@broadcast', { conversation: 'status' }),
        waMessage('120363000000000000@g.us', { conversation: 'group chat' }, { keyExtras: { participant: jid } }),
        waMessage('120363111111111111@newsletter', { conversation: 'news' }),
        waMessage(jid, { conversation: 'sent from the linked phone' }, { fromMe: true }),
        waMessage(jid, { reactionMessage: { key: { remoteJid: jid, id: 'X' }, text: '👍' } }),
        waMessage(jid, { protocolMessage: { type: 0, key: { remoteJid: jid, id: 'X' } } }),
        waMessage(jid, { protocolMessage: { type: 3, ephemeralExpiration: 86400 } }),
        waMessage(jid, { pollUpdateMessage: { pollCreationMessageKey: { id: 'P' } } }),
        waMessage(jid, { senderKeyDistributionMessage: { groupId: 'g' } }),
      ];
      t.net.current.deliver(ignored);
      t.net.patientSends(jid, { conversation: 'the only real one' });
      const m = await nextInbound(1);
      await new Promise((r) => setTimeout(r, 30));
      expect(inbox).toHaveLength(1);
      expect(m.content).toEqual({ kind: 'text', text: 'the only real one' });
    });

    it('drops a copy delivered while the first is still being handed over, but passes a later redelivery', async () => {
      t = createTestWhatsApp(redisUrl);
      inbox = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      await t.channel.start(async (m) => {
        inbox.push(m);
        await gate;
      });
      const m = waMessage(jid, { conversation: 'satu' });
      t.net.current.deliver([m], 'notify');
      t.net.current.deliver([m], 'append');
      await nextInbound(1);
      release();
      await new Promise((r) => setTimeout(r, 20));
      expect(inbox).toHaveLength(1);
      t.net.current.deliver([m], 'append');
      await nextInbound(2);
      expect(inbox[1]!.channelMessageId).toBe(inbox[0]!.channelMessageId);
    });
  });

  it('retries a failed hand-over, so a brief outage of the queue does not lose the message', async () => {
    t = createTestWhatsApp(redisUrl);
    inbox = [];
    let failures = 2;
    await t.channel.start(async (m) => {
      if (failures-- > 0) throw new Error('redis down');
      inbox.push(m);
    });
    t.net.patientSends(patient(1), { conversation: 'tetap sampai' });
    const m = await nextInbound(1);
    expect(m.content).toEqual({ kind: 'text', text: 'tetap sampai' });
  });

  describe('outbound', () => {
    it('sends choices as a numbered list with a bilingual hint, typing first', async () => {
      await started();
      const jid = patient(2);
      const result = await t.channel.send({
        id: 'out-1',
        channelUserId: jid,
        text: 'Di mana Anda isolasi?',
        choices: [
          { value: 'home', label: 'Rumah' },
          { value: 'hospital', label: 'Rumah sakit' },
        ],
      });
      expect(result.ok).toBe(true);
      expect(t.net.sentTo(jid).map((s) => s.text)).toEqual([`Di mana Anda isolasi?\n\n1. Rumah\n2. Rumah sakit\n\n_${CHOICE_HINT}_`]);
      expect(t.net.current.presence).toEqual([
        { type: 'composing', jid },
        { type: 'paused', jid },
      ]);
      expect(t.net.current.onWhatsAppCalls).toEqual([[jid]]);
    });

    it('waits a typing delay proportional to the length, capped', async () => {
      const waits: number[] = [];
      await started({ sleep: async (ms) => void waits.push(ms) });
      await t.channel.send({ id: 'short', channelUserId: patient(3), text: 'Halo' });
      await t.channel.send({ id: 'long', channelUserId: patient(3), text: 'x'.repeat(1000) });
      // The same sleep also paces sends; with this test's loose throttle those waits are a millisecond or two.
      expect(waits.filter((w) => w > 10)).toEqual([4 * 30, 2500]);
    });

    it('uses a stable message id per outbox message, so a retried send is the same WhatsApp message', async () => {
      await started();
      const first = await t.channel.send({ id: 'out-7', channelUserId: patient(4), text: 'Halo' });
      const again = await t.channel.send({ id: 'out-7', channelUserId: patient(4), text: 'Halo' });
      const other = await t.channel.send({ id: 'out-8', channelUserId: patient(4), text: 'Halo' });
      expect(first).toEqual(again);
      expect(first.ok && other.ok && first.channelMessageIds[0] !== other.channelMessageIds[0]).toBe(true);
      expect(first.ok && first.channelMessageIds[0]).toMatch(/^3EB0[0-9A-F]{18}$/);
    });

    it('maps WhatsApp errors to send results without throwing', async () => {
      await started();
      const jid = patient(5);
      await t.channel.send({ id: 'warm-up', channelUserId: jid, text: 'x' });
      t.net.current.sendFailures.push(
        waError('rate-overlimit', undefined, 429),
        waError('Connection Closed', 428),
        waError('item-not-found', undefined, 404),
      );
      expect(await t.channel.send({ id: 'a', channelUserId: jid, text: 'x' })).toMatchObject({ ok: false, kind: 'retry_after', retryAfterMs: 60_000 });
      expect(await t.channel.send({ id: 'b', channelUserId: jid, text: 'x' })).toMatchObject({ ok: false, kind: 'transient' });
      expect(await t.channel.send({ id: 'c', channelUserId: jid, text: 'x' })).toMatchObject({ ok: false, kind: 'permanent', reason: 'not_found' });
      expect(await t.channel.send({ id: 'd', channelUserId: 'not a jid', text: 'x' })).toMatchObject({ ok: false, kind: 'permanent', reason: 'not_found' });
      expect(await t.channel.send({ id: 'e', channelUserId: '120363000000000000@g.us', text: 'x' })).toMatchObject({ ok: false, kind: 'permanent' });
    });

    it('sends to a LID chat without a phone lookup', async () => {
      await started();
      const result = await t.channel.send({ id: 'lid-1', channelUserId: '123456789012345@lid', text: 'Halo' });
      expect(result.ok).toBe(true);
      expect(t.net.current.onWhatsAppCalls).toEqual([]);
    });

    it('answers baileys\' resend requests with the text we sent, or from the outbox', async () => {
      await started({ getMessage: async (id) => (id === 'OLDID' ? 'from the outbox' : undefined) });
      const result = await t.channel.send({ id: 'out-9', channelUserId: patient(6), text: 'Terima kasih' });
      const id = result.ok ? result.channelMessageIds[0]! : '';
      const { getMessage } = t.net.current.input;
      expect(await getMessage({ remoteJid: patient(6), id, fromMe: true })).toEqual({ conversation: 'Terima kasih' });
      expect(await getMessage({ remoteJid: patient(6), id: 'OLDID', fromMe: true })).toEqual({ conversation: 'from the outbox' });
      expect(await getMessage({ remoteJid: patient(6), id: 'UNKNOWN', fromMe: true })).toBeUndefined();
    });

    it('checks whether a number is on WhatsApp', async () => {
      await started();
      t.net.notOnWhatsApp.add('6281999999999@s.whatsapp.net');
      expect(await t.channel.checkNumber('+6281211112222')).toEqual({ exists: true, jid: '6281211112222@s.whatsapp.net' });
      expect(await t.channel.checkNumber('+6281999999999')).toEqual({ exists: false });
      expect(await t.channel.checkNumber('0812')).toEqual({ exists: false });
      expect(t.channel.jidForPhone('+6281211112222')).toBe('6281211112222@s.whatsapp.net');
    });
  });

  describe('linking and connection', () => {
    it('shows a QR code (data URL + terminal) and tells listeners, then becomes open when scanned', async () => {
      await started({ net: new FakeWaNetwork(false) });
      const seen: LinkState[] = [];
      t.channel.on('link', (s) => seen.push(s));
      expect(t.channel.linkState().status).toBe('connecting');
      t.net.current.showQr('2@abc,def,ghi');
      const qr = await waitFor(() => (t.channel.linkState().status === 'qr' ? t.channel.linkState() : undefined), 'qr state');
      expect(qr.qr).toBe('2@abc,def,ghi');
      expect(qr.qrDataUrl).toMatch(/^data:image\/png;base64,/);
      expect(t.printed).toHaveLength(1);
      expect(t.printed[0]!.length).toBeGreaterThan(100);
      t.net.current.open('6281100000000:5@s.whatsapp.net');
      await waitFor(() => (t.channel.linkState().status === 'open' ? true : undefined), 'open');
      expect(t.channel.linkState().me).toBe('6281100000000:5@s.whatsapp.net');
      expect(seen.map((s) => s.status)).toEqual(['qr', 'open']);
    });

    it('hands out a pairing code instead of a QR', async () => {
      await started({ net: new FakeWaNetwork(false) });
      expect(await t.channel.requestPairingCode('+6281100000000')).toBe('ABCD1234');
      expect(t.net.pairingRequests).toEqual(['6281100000000']);
      expect(t.channel.linkState()).toMatchObject({ status: 'pairing', pairingCode: 'ABCD1234' });
    });

    it('saves credentials on creds.update and, when logged out, clears the session and shows a new QR', async () => {
      await started({ net: new FakeWaNetwork(false) });
      const first = t.net.current;
      Object.assign(first.input.auth.creds, { registrationId: 4242 });
      first.updateCreds();
      await first.input.auth.keys.set({ session: { '6281@s.whatsapp.net.0': new Uint8Array([1, 2, 3]) } });
      const rows = () => t.db.$client.prepare('SELECT key FROM whatsapp_auth WHERE session = ?').all('test').length;
      await waitFor(() => (rows() === 2 ? true : undefined), 'creds and key saved');
      first.open();
      await waitFor(() => (t.channel.linkState().status === 'open' ? true : undefined), 'open');

      first.close(401);
      await waitFor(() => (t.net.sockets.length === 2 ? true : undefined), 'a new socket');
      expect(rows()).toBe(0);
      const second = t.net.current;
      expect(second.input.auth.creds.registrationId).not.toBe(4242);
      second.showQr('2@new-qr');
      await waitFor(() => (t.channel.linkState().qr === '2@new-qr' ? true : undefined), 'new qr');
    });

    it('reconnects after a close with growing delays, keeping the session', async () => {
      await started({ net: new FakeWaNetwork(false), reconnect: { initialMs: 40, maxMs: 1000 } });
      Object.assign(t.net.current.input.auth.creds, { registrationId: 777 });
      t.net.current.updateCreds();
      const times: number[] = [Date.now()];
      t.net.current.close(428);
      await waitFor(() => (t.net.sockets.length === 2 ? true : undefined), 'second socket');
      times.push(Date.now());
      t.net.current.close(408);
      await waitFor(() => (t.net.sockets.length === 3 ? true : undefined), 'third socket');
      times.push(Date.now());
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(35);
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(75);
      expect(t.net.current.input.auth.creds.registrationId).toBe(777);
      t.net.current.open();
      const result = await t.channel.send({ id: 'after-reconnect', channelUserId: patient(9), text: 'masih di sini' });
      expect(result).toMatchObject({ ok: true });
      expect(t.net.sentTo(patient(9))[0]!.socket).toBe(2);
    });

    it('answers transient while the connection is not open', async () => {
      await started({ net: new FakeWaNetwork(false), openWaitMs: 30 });
      expect(await t.channel.send({ id: 'x', channelUserId: patient(1), text: 'Halo' })).toMatchObject({ ok: false, kind: 'transient' });
    });
  });
});
