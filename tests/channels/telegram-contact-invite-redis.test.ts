import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { hashStartCode } from '../../src/services/turn/index.js';
import { FakeTelegramApi } from '../support/fake-telegram-api.js';
import { nextMessageWith } from '../support/api-client.js';
import { eventually, startTestSystem } from '../support/system.js';

// Issue 16: a contact who opens the link a Telegram patient forwarded. The full system (Redis, workers, the Telegram
// adapter against a fake Bot API); the case, its contacts and the invite code are put in SQLite as the interview and the
// contacts worker would have left them.

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

describe('a contact who opens a forwarded Telegram invite link', () => {
  let api: FakeTelegramApi;
  let sys: Sys | undefined;

  beforeEach(async () => {
    api = await FakeTelegramApi.start({ maxHoldMs: 200 });
  });
  afterEach(async () => {
    await sys?.stop();
    sys = undefined;
    await api.close();
  });

  it('is asked to type their name in a chat linked to no case, which names nobody, and the match goes to the follow-up', async () => {
    sys = await startTestSystem(inject('redisUrl'), { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    const sql = (q: string, ...args: unknown[]) => sys!.db.$client.prepare(q).run(...args);
    const now = Date.now();
    sql(`INSERT INTO cases (id, external_id, name, confirmed_at, language) VALUES (41, 'JKT-0041', 'Rudi Hartono', ?, 'id')`, now);
    sql(`INSERT INTO contacts (id, name, phone) VALUES (51, 'Siti Aminah', NULL), (52, 'Budi Santoso', NULL)`);
    sql(`INSERT INTO exposures (case_id, contact_id) VALUES (41, 51), (41, 52)`);
    sql(`INSERT INTO contact_invites (code_hash, case_id, created_at) VALUES (?, 41, ?)`, hashStartCode('Invite-Code_0123456789'), now);

    const chat = 8101;
    const seen = { n: 0 };
    api.sendStart(chat, 'Invite-Code_0123456789');
    await nextMessageWith(() => api.sent(chat), 'mohon ketik nama lengkap Anda', seen);
    api.sendText(chat, 'saya Budi Santoso');
    await nextMessageWith(() => api.sent(chat), 'Pesan kesehatan untuk Anda akan segera kami kirim', seen);

    const conv = sys.db.$client.prepare(`SELECT case_id AS caseId, flow_id AS flowId FROM conversations WHERE channel = 'telegram' AND channel_user_id = ?`).get(String(chat));
    expect(conv).toEqual({ caseId: null, flowId: 'contact-notification' });
    // Nobody is wired to take the contact over in this build: a tracer links the chat.
    const esc = await eventually(() => sys!.db.$client.prepare(`SELECT detail FROM escalations`).get() as { detail: string } | undefined, 'escalation');
    expect(esc.detail).toBe('invite_identified');
    expect(api.sent(chat).some((m) => /Rudi|Hartono|COVID|positif/i.test(m.text))).toBe(false);
  });
});
