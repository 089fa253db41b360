import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRepositories, type Db } from '../../src/db/index.js';
import type { InboundContent } from '../../src/domain/channel.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { ConversationService, hashStartCode, type InviteIdentified } from '../../src/services/turn/index.js';
import { tempDb } from '../support/temp-db.js';

// Issue 16: Telegram cannot write first. A Telegram patient's interview carries a link to forward to contacts; opening it
// starts the contact flow in a chat linked to no case, and the contact is found by the name they type. Real SQLite, the
// real flow files, no Redis (the queue is not under test).

const NOW = Date.parse('2026-11-25T03:00:00Z');
const flowFile = (name: string) => fileURLToPath(new URL(`../../flows/${name}`, import.meta.url));

function setUp(identified?: (who: InviteIdentified) => boolean) {
  const { db } = tempDb();
  const repos = createRepositories(db);
  const flows = new FlowRegistry(repos);
  for (const f of ['case-interview.yaml', 'contact-notification.yaml']) {
    const r = flows.publish(readFileSync(flowFile(f), 'utf8'), flowFile(f), { origin: 'test', now: NOW - 1000 });
    if (!r.ok) throw new Error(`${f} did not publish`);
  }
  const sql = (q: string, ...args: unknown[]) => db.$client.prepare(q).run(...args);
  sql(`INSERT INTO cases (id, external_id, name, confirmed_at, start_code_hash) VALUES (7, 'C-7', 'Rudi Hartono', ?, ?)`, NOW - 86_400_000, hashStartCode('patient-code'));
  sql(`INSERT INTO contacts (id, name, phone) VALUES (10, 'Siti Aminah', NULL), (11, 'Budi Santoso', NULL), (12, 'Budi Santosa', NULL)`);
  sql(`INSERT INTO exposures (case_id, contact_id) VALUES (7, 10), (7, 11)`);
  const calls: InviteIdentified[] = [];
  const service = new ConversationService({
    stores: repos,
    flows,
    defaultFlow: 'case-interview',
    defaultCountry: 'ID',
    contactInvites: {
      botUsername: () => 'tracebot_test_bot',
      ...(identified ? { identified: (who: InviteIdentified) => (calls.push(who), identified(who)) } : {}),
    },
  });
  let seq = 0;
  const send = (chat: string, content: InboundContent) => {
    const at = NOW + ++seq * 1000;
    const item: MailboxItem = { type: 'message', message: { channel: 'telegram', channelMessageId: `m${seq}`, channelUserId: chat, sentAt: at, content }, enqueuedAt: at };
    return service.handle(item, at);
  };
  return { db, send, calls };
}

const rows = (db: Db, q: string, ...args: unknown[]) => db.$client.prepare(q).all(...args) as Record<string, unknown>[];
const outTexts = (db: Db, conversationId: number) =>
  rows(db, `SELECT text FROM messages WHERE conversation_id = ? AND direction = 'out' ORDER BY id`, conversationId).map((r) => String(r.text));

/** The patient's chat: its stored state carries the invite link; returns the code in it. */
function inviteCode(db: Db): string {
  const state = JSON.parse(String(rows(db, `SELECT state FROM conversations WHERE channel_user_id = 'patient'`)[0]!.state)) as { case: Record<string, unknown> };
  const link = String(state.case.contact_invite_link);
  expect(link).toMatch(/^https:\/\/t\.me\/tracebot_test_bot\?start=[A-Za-z0-9_-]{22}$/);
  return link.split('start=')[1]!;
}

describe('a contact invite on Telegram', () => {
  it("a Telegram patient's interview gets one invite link, stored only as a hash", () => {
    const { db, send } = setUp();
    send('patient', { kind: 'start', code: 'patient-code' });
    send('patient', { kind: 'text', text: 'ya' });
    const code = inviteCode(db);
    expect(rows(db, `SELECT case_id AS caseId, code_hash AS hash FROM contact_invites`)).toEqual([{ caseId: 7, hash: hashStartCode(code) }]);
  });

  it('opening the link starts the contact flow in a chat linked to no case, which names nobody; the typed name finds the contact', () => {
    const { db, send, calls } = setUp(() => true);
    send('patient', { kind: 'start', code: 'patient-code' });
    const code = inviteCode(db);
    const first = send('contact', { kind: 'start', code });
    const conv = rows(db, `SELECT id, case_id AS caseId, flow_id AS flowId FROM conversations WHERE channel_user_id = 'contact'`)[0]!;
    expect(conv).toEqual({ id: first.conversationId, caseId: null, flowId: 'contact-notification' });
    expect(outTexts(db, first.conversationId!)).toEqual([
      'Halo, ini Dinas Kesehatan DKI Jakarta. Ada pesan kesehatan penting untuk Anda. Agar pesan ini sampai ke orang yang tepat, mohon ketik nama lengkap Anda.',
    ]);

    send('contact', { kind: 'text', text: 'Siti Aminah' });
    expect(calls).toEqual([{ contactId: 10, caseId: 7, conversationId: first.conversationId, channel: 'telegram', channelUserId: 'contact' }]);
    expect(rows(db, `SELECT count(*) AS n FROM escalations`)[0]!.n).toBe(0);
    const said = outTexts(db, first.conversationId!).join('\n');
    expect(said).not.toMatch(/Rudi|Hartono|COVID|positi/i);
  });

  it('with nobody to hand it to, a tracer links the chat', () => {
    const { db, send, calls } = setUp(() => false);
    send('patient', { kind: 'start', code: 'patient-code' });
    const code = inviteCode(db);
    const first = send('contact', { kind: 'start', code });
    send('contact', { kind: 'text', text: 'Budi Santoso' });
    expect(calls.map((c) => c.contactId)).toEqual([11]);
    expect(rows(db, `SELECT reason, detail, priority FROM escalations WHERE conversation_id = ?`, first.conversationId)).toEqual([
      { reason: 'flow_handoff', detail: 'invite_identified', priority: 'normal' },
    ]);
    expect(rows(db, `SELECT owner FROM conversations WHERE id = ?`, first.conversationId)).toEqual([{ owner: 'tracer' }]);
  });

  it('a name that fits two of the contacts is not guessed: a tracer links the chat', () => {
    const { db, send, calls } = setUp(() => true);
    db.$client.prepare(`INSERT INTO exposures (case_id, contact_id) VALUES (7, 12)`).run();
    send('patient', { kind: 'start', code: 'patient-code' });
    const first = send('contact', { kind: 'start', code: inviteCode(db) });
    send('contact', { kind: 'text', text: 'Budi Santoso' });
    expect(calls).toEqual([]);
    expect(rows(db, `SELECT detail FROM escalations WHERE conversation_id = ?`, first.conversationId)).toEqual([{ detail: 'invite_identified' }]);
  });

  it('an unknown code is no invite: the chat starts as any other', () => {
    const { db, send } = setUp(() => true);
    const r = send('stranger', { kind: 'start', code: 'no-such-code' });
    expect(rows(db, `SELECT flow_id AS flowId FROM conversations WHERE id = ?`, r.conversationId)).toEqual([{ flowId: 'case-interview' }]);
  });
});

describe('contact invite codes and erasure', () => {
  it('erasing a case removes its invite codes (the foreign key cascades)', () => {
    const { db, send } = setUp();
    send('patient', { kind: 'start', code: 'patient-code' });
    expect(rows(db, `SELECT count(*) AS n FROM contact_invites`)[0]!.n).toBe(1);
    db.$client.exec(`DELETE FROM answers; DELETE FROM messages; DELETE FROM escalations; DELETE FROM outbox; DELETE FROM timers; DELETE FROM conversations; DELETE FROM exposures; DELETE FROM cases WHERE id = 7`);
    expect(rows(db, `SELECT count(*) AS n FROM contact_invites`)[0]!.n).toBe(0);
  });
});
