import { afterEach, describe, expect, it } from 'vitest';
import type { InboundContent } from '../../src/domain/channel.js';
import { FakeChannel, FakePlatform } from '../../src/channels/fake/index.js';
import { buildTestWeb, type TestWeb } from '../support/seed.js';

// Issue 16: on the fake channel a contact's chat is addressed by their E.164 phone, so /phone can play any contact the
// bot wrote to first; made-up patient ids ("demo") keep working.

const PHONE = '+6281234567890';

describe('the patient phone plays a contact by their phone number', () => {
  let web: TestWeb | undefined;
  afterEach(async () => {
    await web?.app.close();
    web = undefined;
  });

  async function setUp() {
    const platform = new FakePlatform();
    const channel = new FakeChannel(platform);
    web = await buildTestWeb({ fakePlatform: platform });
    return { platform, channel, app: web.app };
  }

  it('a number the bot wrote to first is that chat: its messages show on /phone?user=<E.164>, with + encoded or not', async () => {
    const { channel, app } = await setUp();
    const found = await channel.checkNumber(PHONE);
    expect(found).toEqual({ exists: true, userId: PHONE });
    const sent = await channel.send({ id: 'm1', channelUserId: found.userId!, text: 'Pesan kesehatan penting untuk Siti' });
    expect(sent.ok).toBe(true);

    for (const url of [`/phone?user=${encodeURIComponent(PHONE)}`, `/phone?user=${PHONE}`]) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Pesan kesehatan penting untuk Siti');
      // The page's own live URLs carry the number encoded, so a `+` never turns into a space.
      expect(page.body).toContain(`/phone/messages?user=${encodeURIComponent(PHONE)}`);
    }
    const part = await app.inject({ method: 'GET', url: `/phone/messages?user=${encodeURIComponent(PHONE)}` });
    expect(part.body).toContain('Pesan kesehatan penting untuk Siti');
  });

  it("what the contact types on that page reaches the channel from the contact's number", async () => {
    const { platform, app } = await setUp();
    const seen: { userId: string; content: InboundContent }[] = [];
    platform.on('patient-message', (m: { userId: string; content: InboundContent }) => seen.push(m));
    const res = await app.inject({
      method: 'POST',
      url: '/phone/send',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ user: PHONE, kind: 'text', text: 'Siti Aminah' }).toString(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/phone?user=${encodeURIComponent(PHONE)}`);
    expect(seen.map((m) => ({ userId: m.userId, content: m.content }))).toEqual([{ userId: PHONE, content: { kind: 'text', text: 'Siti Aminah' } }]);
  });

  it('a number typed the local way (0812...) opens the same chat as its E.164 form', async () => {
    const { platform, channel, app } = await setUp();
    await channel.send({ id: 'm3', channelUserId: PHONE, text: 'Pesan untuk Siti' });
    const page = await app.inject({ method: 'GET', url: '/phone?user=081234567890' });
    expect(page.body).toContain('Pesan untuk Siti');
    const seen: string[] = [];
    platform.on('patient-message', (m: { userId: string }) => seen.push(m.userId));
    const res = await app.inject({
      method: 'POST',
      url: '/phone/send',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ user: '081234567890', kind: 'text', text: 'halo' }).toString(),
    });
    expect(res.headers.location).toBe(`/phone?user=${encodeURIComponent(PHONE)}`);
    expect(seen).toEqual([PHONE]);
  });

  it('lists the chats the platform knows, so a contact notified by the bot can be opened from the demo patient', async () => {
    const { platform, channel, app } = await setUp();
    platform.patientSends('demo', { kind: 'text', text: 'halo' });
    await channel.send({ id: 'm2', channelUserId: PHONE, text: 'Halo' });
    expect(platform.chats()).toEqual(['demo', PHONE]);
    const page = await app.inject({ method: 'GET', url: '/phone?user=demo', headers: { 'accept-language': 'en' } });
    expect(page.body).toContain('Other chats on this test phone');
    expect(page.body).toContain(`href="/phone?user=${encodeURIComponent(PHONE)}"`);
  });

  it.each(['+0812', 'a b', '+62 812', `+${'1'.repeat(16)}`])('refuses a chat id %j that is neither a patient id nor an E.164 number', async (user) => {
    const { app } = await setUp();
    const res = await app.inject({ method: 'GET', url: `/phone/messages?user=${encodeURIComponent(user)}` });
    expect(res.statusCode).toBe(400);
  });
});
