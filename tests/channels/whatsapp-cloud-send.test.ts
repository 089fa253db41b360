import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage, OutboundMessage } from '../../src/domain/channel.js';
import { CHOICE_HINT, LIST_BUTTON } from '../../src/channels/whatsapp-cloud/index.js';
import { chat, cloudHarness, type CloudHarness } from '../support/cloud-harness.js';
import { eventually } from '../support/eventually.js';

const WA = '6281322223333';
const CHAT = chat(WA);

const waitFor = <T>(probe: () => T | undefined, what: string, timeoutMs = 3000) => eventually(probe, what, timeoutMs, 5);

const msg = (id: string, text: string, choices?: OutboundMessage['choices']): OutboundMessage => ({ id, channelUserId: CHAT, text, ...(choices ? { choices } : {}) });
const opts = (labels: string[]) => labels.map((label, i) => ({ value: `v${i + 1}`, label }));

describe('whatsapp cloud sending', () => {
  let h: CloudHarness;
  let inbox: InboundMessage[];

  async function started(o: Parameters<typeof cloudHarness>[0] = {}, windowOpen = true): Promise<CloudHarness> {
    h = await cloudHarness(o);
    inbox = [];
    await h.channel.start(async (m) => void inbox.push(m));
    if (windowOpen) {
      h.api.openWindow(WA);
      await h.store.noteInbound(CHAT, Date.now());
    }
    return h;
  }
  afterEach(async () => {
    await h?.channel.stop();
    await h?.close();
  });

  describe('choices', () => {
    it('up to three short labels travel as reply buttons carrying our values', async () => {
      await started();
      expect(await h.channel.send(msg('m1', 'Bersedia?', opts(['Ya', 'Tidak', 'Nanti saja'])))).toMatchObject({ ok: true });
      expect(h.api.sentTo(WA)).toMatchObject([{ type: 'interactive', interactive: 'button', text: 'Bersedia?', choices: ['Ya', 'Tidak', 'Nanti saja'], choiceIds: ['v1', 'v2', 'v3'] }]);
    });

    it('four to ten labels of up to 24 characters travel as a list', async () => {
      await started();
      const labels = ['Hari ini', 'Kemarin', '2 hari lalu', '3 hari lalu', 'Lebih dari seminggu lalu'];
      await h.channel.send(msg('m1', 'Kapan gejala mulai?', opts(labels)));
      expect(h.api.sentTo(WA)).toMatchObject([{ interactive: 'list', choices: labels }]);
      expect(LIST_BUTTON.length).toBeLessThanOrEqual(20);
    });

    it('a label too long for a button but fine for a list makes a list, even for two choices', async () => {
      await started();
      await h.channel.send(msg('m1', 'Tempat isolasi?', opts(['Rumah sendiri', 'Rumah sakit rujukan kota'])));
      expect(h.api.sentTo(WA)[0]).toMatchObject({ interactive: 'list' });
    });

    it('more than ten choices, or a label over 24 characters, fall back to numbered text', async () => {
      await started();
      await h.channel.send(msg('m1', 'Pilih kecamatan', opts(Array.from({ length: 11 }, (_, i) => `Kecamatan ${i + 1}`))));
      await h.channel.send(msg('m2', 'Pekerjaan?', opts(['Tenaga kesehatan di fasilitas', 'Lainnya'])));
      const [eleven, long] = h.api.sentTo(WA);
      expect(eleven!.type).toBe('text');
      expect(eleven!.choices).toHaveLength(11);
      expect(eleven!.text).toContain('11. Kecamatan 11');
      expect(eleven!.text).toContain(CHOICE_HINT);
      expect(long!.text).toMatch(/1\. Tenaga kesehatan di fasilitas\n2\. Lainnya/);
    });

    it('a long question with buttons: text parts first, the buttons on a last part within the 1,024-character body limit', async () => {
      await started();
      const text = 'Penjelasan panjang tentang isolasi mandiri. '.repeat(150).trim(); // ~6,600 characters
      const r = await h.channel.send(msg('m1', text, opts(['Ya', 'Tidak'])));
      expect(r.ok && r.channelMessageIds.length).toBeGreaterThan(2);
      const sent = h.api.sentTo(WA);
      expect(sent.slice(0, -1).every((s) => s.type === 'text' && s.text.length <= 4096)).toBe(true);
      expect(sent.at(-1)).toMatchObject({ type: 'interactive', interactive: 'button' });
      expect(sent.at(-1)!.text.length).toBeLessThanOrEqual(1024);
      expect(sent.map((s) => s.text).join(' ').replace(/\s+/g, ' ')).toBe(text);
    });
  });

  describe('the 24-hour window', () => {
    it('writing first sends the approved template and holds the reply; a tap on its button releases the replies in order', async () => {
      await started({}, false);
      const first = await h.channel.send(msg('m1', 'Halo, kami dari Dinas Kesehatan.'));
      const second = await h.channel.send(msg('m2', 'Bersedia menjawab?', opts(['Ya', 'Tidak'])));
      expect(first).toMatchObject({ ok: true, channelMessageIds: [expect.stringMatching(/^wamid\./)] });
      expect(second).toEqual({ ok: true, channelMessageIds: [] });
      // One template, not one per reply.
      expect(h.api.sentTo(WA)).toMatchObject([
        { type: 'template', template: { name: 'tracebot_checkin', language: 'id', params: ['Dinas Kesehatan Kota'], payloads: ['tracebot:continue'] } },
      ]);
      await h.api.pressChoice(WA, 'Lanjut');
      const shown = await waitFor(() => (h.api.sentTo(WA).length === 3 ? h.api.sentTo(WA) : undefined), 'held replies');
      expect(shown.map((s) => s.text)).toEqual([expect.stringContaining('[template'), 'Halo, kami dari Dinas Kesehatan.', 'Bersedia menjawab?']);
      // The tap only opened the conversation: it is no answer to the question.
      expect(inbox).toEqual([]);
      // Each held reply reports its own wamid once it went out, so its receipts reach the right transcript line.
      const released = await waitFor(() => h.statuses.find((s) => s.outboxId === 'm2'), 'sent event of the held reply');
      expect(released).toMatchObject({ status: 'sent', channelMessageId: shown[2]!.wamid });
    });

    it('a person who types instead of tapping sees the held replies first, and their words reach the flow', async () => {
      await started({}, false);
      await h.channel.send(msg('m1', 'Apakah Anda bersedia?', opts(['Ya', 'Tidak'])));
      await h.api.sendText(WA, 'siapa ini?');
      expect(inbox.map((m) => m.content)).toEqual([{ kind: 'text', text: 'siapa ini?' }]);
      // The engine's answer to that text goes out after the held question.
      await h.channel.send(msg('m2', 'Kami dari Dinas Kesehatan Kota.'));
      expect(h.api.sentTo(WA).map((s) => s.text)).toEqual([expect.stringContaining('[template'), 'Apakah Anda bersedia?', 'Kami dari Dinas Kesehatan Kota.']);
    });

    it('a held reply Meta refuses for good is reported failed with its code, and the others still go out', async () => {
      await started({}, false);
      await h.channel.send(msg('h1', 'Pertanyaan satu'));
      await h.channel.send(msg('h2', 'Pertanyaan dua'));
      h.api.failNext(131009, { title: '(#131009) Parameter value is not valid' });
      await h.api.pressChoice(WA, 'Lanjut');
      await waitFor(() => (h.api.sentTo(WA).length === 2 ? true : undefined), 'the other held reply');
      expect(h.api.sentTo(WA).map((s) => s.text)).toEqual([expect.stringContaining('[template'), 'Pertanyaan dua']);
      const failed = await waitFor(() => h.statuses.find((s) => s.status === 'failed'), 'failure of the held reply');
      expect(failed).toMatchObject({ outboxId: 'h1', error: { code: 131009 } });
    });

    it('error 131047 on a send (our window record was wrong) re-sends as the template', async () => {
      await started({ fake: { windowFailure: 'sync' } }, false);
      await h.store.noteInbound(CHAT, Date.now() - 23 * 3600_000); // we think it is open; Meta disagrees
      const r = await h.channel.send(msg('m1', 'Bagaimana kabar Anda hari ini?'));
      expect(r).toMatchObject({ ok: true });
      expect(h.api.sentTo(WA).map((s) => s.type)).toEqual(['template']);
      expect(await h.store.hasHeld(CHAT)).toBe(true);
    });

    it('a burst of replies refused with 131047 sends one template, not one per reply', async () => {
      await started({ fake: { windowFailure: 'sync' } }, false);
      await h.store.noteInbound(CHAT, Date.now() - 23 * 3600_000);
      for (const id of ['b1', 'b2', 'b3']) expect(await h.channel.send(msg(id, `Pesan ${id}`))).toMatchObject({ ok: true });
      expect(h.api.sentTo(WA).map((s) => s.type)).toEqual(['template']);
      await h.api.pressChoice(WA, 'Lanjut');
      await waitFor(() => (h.api.sentTo(WA).length === 4 ? true : undefined), 'held replies');
      expect(h.api.sentTo(WA).slice(1).map((s) => s.text)).toEqual(['Pesan b1', 'Pesan b2', 'Pesan b3']);
      // The answer opened the window: the next reply goes straight out.
      await h.channel.send(msg('b4', 'Pesan b4'));
      expect(h.api.sentTo(WA).at(-1)!.text).toBe('Pesan b4');
    });

    it('a 131047 failure arriving later as a status re-sends as the template, and is not reported as the reply failing', async () => {
      await started({ fake: { windowFailure: 'async' } }, false);
      await h.store.noteInbound(CHAT, Date.now() - 23 * 3600_000);
      expect(await h.channel.send(msg('m1', 'Bagaimana kabar Anda hari ini?'))).toMatchObject({ ok: true });
      await waitFor(() => h.api.sentTo(WA).find((s) => s.type === 'template'), 'template');
      await h.api.settle();
      expect(h.statuses.filter((s) => s.status === 'failed')).toEqual([]);
      expect(await h.store.hasHeld(CHAT)).toBe(true);
    });
  });

  describe('errors', () => {
    it('131026 (not on WhatsApp) is permanent not_found, so the person is marked unreachable', async () => {
      await started();
      h.api.failNext(131026, { title: '(#131026) Message undeliverable' });
      expect(await h.channel.send(msg('m1', 'Halo'))).toMatchObject({ ok: false, kind: 'permanent', reason: 'not_found', detail: expect.stringContaining('131026') });
    });

    it('131026 arriving later as a failed status is surfaced with its code and our outbox id', async () => {
      await started();
      h.api.failNext(131026, { async: true, title: 'Message undeliverable' });
      await h.channel.send(msg('m7', 'Halo'));
      const failed = await waitFor(() => h.statuses.find((s) => s.status === 'failed'), 'failed status');
      expect(failed).toMatchObject({ outboxId: 'm7', error: { code: 131026, title: 'Message undeliverable' } });
    });

    it('a throughput failure arriving later as a status re-sends that reply after a pause, not reported as failed', async () => {
      await started();
      h.api.failNext(130429, { async: true, title: 'Rate limit hit' });
      await h.channel.send(msg('r1', 'Jangan lupa minum obat'));
      const shown = await waitFor(() => h.api.sentTo(WA).find((s) => s.text === 'Jangan lupa minum obat'), 're-sent reply');
      expect(shown).toBeDefined();
      await waitFor(() => h.statuses.find((s) => s.outboxId === 'r1' && s.released), 'sent event under the new id');
      expect(h.statuses.filter((s) => s.status === 'failed')).toEqual([]);
    });

    it('130429 (throughput) asks the queue to wait, longer each time in a row; a success resets it', async () => {
      await started();
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) {
        h.api.failNext(130429, { httpStatus: 400 });
        const r = await h.channel.send(msg(`t${i}`, 'Halo'));
        if (!r.ok && r.kind === 'retry_after') waits.push(r.retryAfterMs);
      }
      expect(waits).toEqual([100, 200, 400]);
      expect(await h.channel.send(msg('t9', 'Halo'))).toMatchObject({ ok: true });
      h.api.failNext(130429);
      expect(await h.channel.send(msg('t10', 'Halo'))).toMatchObject({ kind: 'retry_after', retryAfterMs: 100 });
    });

    it('131056 (pair rate limit) retries that reply with backoff, without holding up other chats', async () => {
      await started();
      h.api.failNext(131056);
      expect(await h.channel.send(msg('p1', 'Halo'))).toMatchObject({ ok: false, kind: 'transient', detail: expect.stringContaining('131056') });
    });

    it('190 / 401 stops sending: replies stay queued, the channel reports degraded once, and recovers with a good token', async () => {
      await started();
      h.api.revokeToken();
      expect(await h.channel.send(msg('a1', 'Halo'))).toMatchObject({ ok: false, kind: 'retry_after', retryAfterMs: 60_000 });
      expect(await h.channel.send(msg('a2', 'Halo'))).toMatchObject({ ok: false, kind: 'retry_after' });
      expect(h.channel.health()).toMatchObject({ state: 'degraded', code: 190 });
      expect(h.logs.filter((l) => l.level === 'error')).toHaveLength(1);
      h.api.restoreToken();
      expect(await h.channel.send(msg('a1', 'Halo'))).toMatchObject({ ok: true });
      expect(h.channel.health()).toEqual({ state: 'ok' });
    });

    it('a 5xx or a refused connection is transient', async () => {
      await started();
      h.api.failNext(2, { httpStatus: 503, title: 'Service temporarily unavailable' });
      expect(await h.channel.send(msg('s1', 'Halo'))).toMatchObject({ kind: 'transient' });
    });

    it('any other code is a permanent failure that carries the code to the transcript', async () => {
      await started();
      h.api.failNext(131009, { title: '(#131009) Parameter value is not valid' });
      expect(await h.channel.send(msg('x1', 'Halo'))).toMatchObject({ ok: false, kind: 'permanent', reason: 'forbidden', detail: expect.stringContaining('131009') });
    });

    it('a retry after a failed middle part does not repeat the parts already delivered', async () => {
      await started();
      const text = 'Kalimat yang cukup panjang untuk dipecah. '.repeat(250).trim(); // three parts
      h.api.failNext(1, { httpStatus: 500, skip: 1 });
      expect(await h.channel.send(msg('long', text))).toMatchObject({ kind: 'transient' });
      expect(h.api.sentTo(WA)).toHaveLength(1);
      const again = await h.channel.send(msg('long', text));
      expect(again.ok && again.channelMessageIds).toHaveLength(3);
      expect(h.api.sentTo(WA)).toHaveLength(3);
      expect(h.api.sentTo(WA).map((s) => s.text).join(' ').replace(/\s+/g, ' ')).toBe(text);
    });

    it('logs carry ids and codes, never the text or the phone number', async () => {
      await started({}, false);
      await h.channel.send(msg('l1', 'Rahasia pasien'));
      await h.api.sendText(WA, 'Jawaban rahasia');
      h.api.failNext(131026);
      await h.channel.send(msg('l2', 'Rahasia pasien'));
      const dump = JSON.stringify(h.logs);
      expect(dump).not.toContain('Rahasia');
      expect(dump).not.toContain('rahasia');
      expect(dump).not.toContain(WA.slice(2));
      // Meta's message ids carry the number too (base64): logs show a hash of them instead.
      expect(h.api.sentTo(WA)[0]!.wamid).toContain(Buffer.from(WA).toString('base64').slice(0, 12));
      for (const s of h.api.sent) expect(dump).not.toContain(s.wamid.slice(6));
    });
  });
});
