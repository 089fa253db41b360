import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, InboundMessage } from '../../src/domain/channel.js';
import { eventually } from '../support/eventually.js';

/** What the patient's phone shows for one bot message. */
export interface Delivered {
  text: string;
  /** Button / list labels offered with it (empty when none). */
  choices: string[];
}

/**
 * Drives one channel implementation through its real transport (fake Bot API over HTTP, fake WhatsApp socket, in-process fake),
 * acting as the patient's phone. Each channel's test file builds one and calls `describeChannelContract`.
 */
export interface ChannelHarness {
  channel: Channel;
  /** A chat id for test patient n, as the platform names it. */
  userId(n: number): string;
  /** A chat the platform refuses to deliver to (bot blocked, number not on WhatsApp). */
  unreachableUserId: string;
  patient: {
    sendText(userId: string, text: string): Promise<void>;
    /** A sticker (or the platform's nearest media kind). */
    sendSticker(userId: string): Promise<void>;
    sendContactCard(userId: string, name: string, phone: string): Promise<void>;
    /** Press the button (or type the option) labelled `label` of the last message that offered it. */
    pressChoice(userId: string, label: string): Promise<void>;
    /** The platform delivers the patient's last message again (retry, reconnect). */
    redeliverLast(userId: string): Promise<void>;
  };
  /** Everything delivered to the patient so far, oldest first. */
  delivered(userId: string): Promise<Delivered[]>;
  close(): Promise<void>;
}

const waitFor = <T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5000) => eventually(probe, what, timeoutMs, 10);

/** The behaviour every Channel must show. */
export function describeChannelContract(name: string, makeHarness: () => Promise<ChannelHarness>): void {
  describe(`channel contract: ${name}`, () => {
    let h: ChannelHarness;
    let inbox: InboundMessage[];

    beforeEach(async () => {
      h = await makeHarness();
      inbox = [];
      await h.channel.start(async (m) => {
        inbox.push(m);
      });
    });
    afterEach(async () => {
      await h.channel.stop();
      await h.close();
    });

    const next = (n: number) => waitFor(() => (inbox.length >= n ? inbox[n - 1] : undefined), `${n} inbound message(s)`);

    it('normalises a patient text message', async () => {
      const user = h.userId(1);
      await h.patient.sendText(user, 'Halo, saya demam sejak kemarin');
      const m = await next(1);
      expect(m.channel).toBe(h.channel.name);
      expect(m.channelUserId).toBe(user);
      expect(m.channelMessageId.length).toBeGreaterThan(0);
      expect(typeof m.sentAt).toBe('number');
      expect(m.content).toEqual({ kind: 'text', text: 'Halo, saya demam sejak kemarin' });
    });

    it('gives distinct ids to distinct messages and the same id to a redelivery', async () => {
      const user = h.userId(2);
      await h.patient.sendText(user, 'satu');
      await h.patient.sendText(user, 'dua');
      await next(2);
      await h.patient.redeliverLast(user);
      const third = await next(3);
      expect(inbox[0]!.channelMessageId).not.toBe(inbox[1]!.channelMessageId);
      expect(third.channelMessageId).toBe(inbox[1]!.channelMessageId);
      expect(inbox.map((m) => (m.content.kind === 'text' ? m.content.text : m.content.kind))).toEqual(['satu', 'dua', 'dua']);
    });

    it('keeps the order of one patient\'s messages', async () => {
      const user = h.userId(3);
      for (const t of ['a', 'b', 'c', 'd', 'e']) await h.patient.sendText(user, t);
      await next(5);
      expect(inbox.map((m) => (m.content.kind === 'text' ? m.content.text : '?'))).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    it('delivers a reply, with special characters intact', async () => {
      const user = h.userId(4);
      const text = 'Terima kasih <b>Budi</b> & *semua* _kontak_ [1] `x` > 50% #sehat';
      const result = await h.channel.send({ id: 'out-1', channelUserId: user, text });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.channelMessageIds.length).toBeGreaterThan(0);
      const shown = await waitFor(async () => ((await h.delivered(user)).length ? await h.delivered(user) : undefined), 'delivery');
      expect(shown[0]!.text).toBe(text);
    });

    it('offers choices and turns the patient\'s pick into an answer', async () => {
      const user = h.userId(5);
      await h.channel.send({
        id: 'out-2',
        channelUserId: user,
        text: 'Di mana Anda isolasi?',
        choices: [
          { value: 'home', label: 'Rumah' },
          { value: 'hospital', label: 'Rumah sakit' },
        ],
      });
      const shown = await waitFor(async () => ((await h.delivered(user)).length ? await h.delivered(user) : undefined), 'delivery');
      expect(shown[0]!.choices).toEqual(['Rumah', 'Rumah sakit']);
      await h.patient.pressChoice(user, 'Rumah sakit');
      const m = await next(1);
      // Button platforms return the value; list platforms return what the patient typed (the engine maps "2" to the choice).
      if (m.content.kind === 'choice') expect(m.content.value).toBe('hospital');
      else expect(m.content).toMatchObject({ kind: 'text', text: expect.stringMatching(/^(2|Rumah sakit)$/) });
    });

    it('splits a reply longer than the platform allows without losing text', async () => {
      const user = h.userId(6);
      const paragraph = 'Kontak erat adalah orang yang berada dalam jarak satu meter selama lima belas menit atau lebih. ';
      const text = paragraph.repeat(110).trim(); // ~10,500 characters
      const result = await h.channel.send({ id: 'out-3', channelUserId: user, text });
      expect(result.ok).toBe(true);
      const shown = await waitFor(async () => ((await h.delivered(user)).length ? await h.delivered(user) : undefined), 'delivery');
      expect(shown.length).toBeGreaterThan(1);
      expect(shown.map((d) => d.text).join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
    });

    it('reports a sticker as media so the patient can be asked to type', async () => {
      await h.patient.sendSticker(h.userId(7));
      const m = await next(1);
      expect(m.content.kind).toBe('media');
    });

    it('turns a shared contact card into a name and phone', async () => {
      await h.patient.sendContactCard(h.userId(8), 'Siti Aminah', '+6281234567890');
      const m = await next(1);
      expect(m.content.kind).toBe('contacts');
      if (m.content.kind === 'contacts') {
        expect(m.content.contacts[0]!.name).toBe('Siti Aminah');
        expect(m.content.contacts[0]!.phone.replace(/[^\d+]/g, '')).toMatch(/^\+?6281234567890$/);
      }
    });

    it('says a send to an unreachable chat is permanent, without throwing', async () => {
      const result = await h.channel.send({ id: 'out-4', channelUserId: h.unreachableUserId, text: 'Halo' });
      expect(result).toMatchObject({ ok: false, kind: 'permanent' });
    });
  });
}
