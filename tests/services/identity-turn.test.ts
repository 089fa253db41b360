import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRepositories, type Db } from '../../src/db/index.js';
import type { ChannelName, InboundContent } from '../../src/domain/channel.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { ConversationService } from '../../src/services/turn/index.js';
import { hashStartCode } from '../../src/services/turn/identify-case.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';
import { openTestDb } from '../support/test-db.js';

// The real flows (flows/verify-identity.yaml, flows/case-interview.yaml) against real SQLite; no Redis.
const FLOWS = fileURLToPath(new URL('../../flows/', import.meta.url));
const NOW = Date.parse('2026-11-25T03:00:00Z');
const PHONE = '+6281234567001';
const SRI = { name: 'Sri Wahyuni', dateOfBirth: '1990-03-14', caseNumber: 'JKT-0042', others: ['Agus Salim'] };

function setUp(o: { lang?: 'id' | 'en'; dob?: string | null } = {}) {
  const db = openTestDb();
  const repos = createRepositories(db);
  const flows = new FlowRegistry(repos);
  flows.syncDirectory(FLOWS, NOW - 1000);
  db.$client
    .prepare(`INSERT INTO cases (id, external_id, name, phone, date_of_birth, language, confirmed_at, start_code_hash) VALUES (1, ?, ?, ?, ?, ?, ?, ?)`)
    .run(SRI.caseNumber, SRI.name, PHONE, o.dob === undefined ? SRI.dateOfBirth : o.dob, o.lang ?? 'id', NOW - 86_400_000, hashStartCode('CODE-1'));
  const service = new ConversationService({ stores: repos, flows, defaultFlow: 'case-interview', verifyFlow: 'verify-identity', defaultCountry: 'ID' });
  let seq = 0;
  const at = () => NOW + ++seq * 1000;
  const send = (content: InboundContent, from: { channel?: ChannelName; user?: string; phone?: string } = {}) => {
    const t = at();
    const item: MailboxItem = {
      type: 'message',
      message: { channel: from.channel ?? 'whatsapp', channelMessageId: `m${seq}`, channelUserId: from.user ?? 'u1', ...(from.phone ? { phone: from.phone } : {}), sentAt: t, content },
      enqueuedAt: t,
    };
    return service.handle(item, t);
  };
  const text = (s: string, from?: Parameters<typeof send>[1]) => send({ kind: 'text', text: s }, from);
  const outreach = () => service.handle({ type: 'outreach', caseId: 1, channel: 'whatsapp', channelUserId: 'u1', id: 'o1', enqueuedAt: NOW }, at());
  return { db, text, send, outreach };
}

const botTexts = (db: Db, user = 'u1'): string[] =>
  (db.$client.prepare(`SELECT m.text FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.direction = 'out' AND c.channel_user_id = ? ORDER BY m.id`).all(user) as { text: string }[]).map((r) => r.text);
const row = (db: Db, sql: string) => db.$client.prepare(sql).get() as Record<string, unknown>;

describe('nothing is disclosed before the person proves who they are (issue 17)', () => {
  it('outreach: the first message names only the first name and asks for a reply; typing the date of birth opens the interview', () => {
    const { db, text, outreach } = setUp();
    outreach();
    const [first] = botTexts(db);
    expect(first).toBe('Dinas Kesehatan DKI Jakarta punya pesan kesehatan penting untuk Sri. Mohon balas pesan ini untuk melanjutkan.');
    expect(forbiddenFacts(first!, SRI)).toEqual([]);
    text('ya, siapa ini?');
    text('1 januari 1990');
    text('salah ketik');
    const beforeIdentity = botTexts(db);
    expect(beforeIdentity.at(-2)).toContain('tidak sesuai dengan data kami');
    for (const t of beforeIdentity) expect(forbiddenFacts(t, SRI), t).toEqual([]);
    text('14 Maret 1990');
    const after = botTexts(db).slice(beforeIdentity.length);
    expect(after.join('\n')).toContain('Hasil tes COVID-19 Anda positif');
    expect(after.join('\n')).toContain('Sri Wahyuni');
    expect(row(db, `SELECT flow_id, case_id FROM conversations`)).toEqual({ flow_id: 'case-interview', case_id: 1 });
  });

  it('in English, the case number from the lab letter proves identity as well as the date of birth', () => {
    const { db, text, outreach } = setUp({ lang: 'en' });
    outreach();
    expect(botTexts(db)[0]).toBe('Dinas Kesehatan DKI Jakarta has an important health message for Sri. Please reply to continue.');
    text('hello?');
    expect(botTexts(db).at(-1)).toContain('Please type your date of birth');
    text('jkt 0042');
    expect(botTexts(db).join('\n')).toContain('Your COVID-19 test result is positive');
  });

  it('without a date of birth on file, the person types the case number; never a yes to what we show', () => {
    const { db, text } = setUp({ dob: null });
    text('halo', { phone: PHONE });
    const asked = botTexts(db);
    expect(asked.at(-1)).toContain('nomor referensi');
    expect(asked.join('\n')).not.toMatch(/apakah nama|is your (full )?name/i);
    text('ya');
    expect(botTexts(db).at(-2)).toContain('tidak sesuai');
    text('JKT-0042');
    expect(botTexts(db).join('\n')).toContain('Hasil tes COVID-19 Anda positif');
  });

  it('a wrong number is thanked, handed to a tracer as wrong_number, the case needs a call, and it hears nothing else', () => {
    const { db, text, outreach } = setUp();
    outreach();
    text('maaf ini salah sambung, bukan saya');
    expect(botTexts(db).at(-1)).toBe('Terima kasih atas kabarnya, mohon maaf telah mengganggu.');
    expect(row(db, `SELECT reason, detail, status FROM escalations`)).toEqual({ reason: 'flow_handoff', detail: 'wrong_number', status: 'open' });
    expect(row(db, `SELECT status FROM cases`)).toEqual({ status: 'needs_call' });
    const said = botTexts(db).length;
    text('siapa sih ini? hasil apa?');
    expect(botTexts(db)).toHaveLength(said);
    for (const t of botTexts(db)) expect(forbiddenFacts(t, SRI), t).toEqual([]);
  });

  it('three wrong answers bring in a tracer, without ever showing the date of birth', () => {
    const { db, text, outreach } = setUp();
    outreach();
    text('halo');
    for (const guess of ['01/01/1990', '02/02/1990', '03/03/1990']) text(guess);
    expect(row(db, `SELECT reason, status FROM escalations`)).toEqual({ reason: 'flow_handoff', status: 'open' });
    expect(row(db, `SELECT owner FROM conversations`)).toEqual({ owner: 'tracer' });
    for (const t of botTexts(db)) expect(forbiddenFacts(t, SRI), t).toEqual([]);
  });

  it('a start link (or the case phone) only says who we expect: the person still types the date of birth', () => {
    const { db, send, text } = setUp();
    send({ kind: 'start', code: 'CODE-1' }, { channel: 'telegram', user: 'tg1' });
    const first = botTexts(db, 'tg1');
    expect(first.join('\n')).toContain('untuk Sri');
    for (const t of first) expect(forbiddenFacts(t, SRI), t).toEqual([]);
    text('14/03/1990', { channel: 'telegram', user: 'tg1' });
    expect(botTexts(db, 'tg1').join('\n')).toContain('Hasil tes COVID-19 Anda positif');
  });

  it('/start without a code and "halo" from an unknown chat name nobody and ask for the case number and date of birth', () => {
    const { db, send, text } = setUp();
    send({ kind: 'start' }, { channel: 'telegram', user: 'tg2' });
    text('halo', { channel: 'fake', user: 'anon' });
    for (const user of ['tg2', 'anon']) {
      const said = botTexts(db, user);
      expect(said.at(-1)).toContain('nomor referensi');
      for (const t of said) {
        expect(t).not.toMatch(/ ,|\{\{|Sri/);
        expect(forbiddenFacts(t, SRI), t).toEqual([]);
      }
    }
    text('JKT-0042', { channel: 'fake', user: 'anon' });
    text('14/03/1990', { channel: 'fake', user: 'anon' });
    expect(botTexts(db, 'anon').join('\n')).toContain('Hasil tes COVID-19 Anda positif');
  });
});

describe('consent is recorded per conversation (issue 17)', () => {
  const verified = () => {
    const s = setUp();
    s.outreach();
    s.text('ya');
    s.text('14/03/1990');
    return s;
  };
  const records = (db: Db) => db.$client.prepare(`SELECT conversation_id, case_id, flow_id, flow_version, step_id, text_shown, language, answer, answered_at FROM consent_records`).all() as Record<string, unknown>[];

  it('keeps the flow version, the exact question the person read, the answer and the time', () => {
    const { db, text } = verified();
    const question = botTexts(db).at(-1)!;
    expect(question).toContain('Apakah Anda bersedia');
    const out = text('iya');
    const version = row(db, `SELECT version FROM flow_versions WHERE flow_id = 'case-interview' ORDER BY version DESC LIMIT 1`).version;
    expect(records(db)).toEqual([
      { conversation_id: out.conversationId, case_id: 1, flow_id: 'case-interview', flow_version: version, step_id: 'consent', text_shown: question, language: 'id', answer: 'given', answered_at: expect.any(Number) },
    ]);
    // What was typed to prove identity is checked, not kept as an answer.
    expect(row(db, `SELECT count(*) AS n FROM answers WHERE key IN ('identity_answer', 'greeting_reply')`).n).toBe(0);
  });

  it('a decline keeps only the case, that they declined and when: the answers and texts typed before are gone', () => {
    const { db, text } = verified();
    text('tidak');
    expect(records(db)).toEqual([expect.objectContaining({ case_id: 1, answer: 'declined', step_id: 'consent' })]);
    expect((db.$client.prepare(`SELECT key FROM answers ORDER BY key`).all() as { key: string }[]).map((r) => r.key)).toEqual(['consent']);
    // The date of birth and the other texts the person typed are not kept; that messages came, and when, is.
    expect(row(db, `SELECT count(*) AS n FROM messages WHERE direction = 'in' AND text IS NOT NULL`).n).toBe(0);
    expect(row(db, `SELECT count(*) AS n FROM messages WHERE direction = 'in'`).n).toBe(3);
    expect(botTexts(db).at(-1)).toContain('petugas kami menghubungi Anda di lain waktu');
  });
});
