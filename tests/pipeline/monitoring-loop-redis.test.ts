import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FakePlatform } from '../../src/channels/fake/index.js';
import { createCases } from '../../src/services/cases.js';
import { listQueue } from '../../src/services/inbox/index.js';
import { count } from '../support/pipeline-queries.js';
import { eventually, repoRoot, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

/** The repository's contact flows and identity check, with a short case interview that names contacts (tests/fixtures/monitoring). */
function flowsDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-contact-flows-'));
  for (const f of ['contact-notification.yaml', 'daily-checkin.yaml', 'verify-identity.yaml']) copyFileSync(path.join(repoRoot, 'flows', f), path.join(dir, f));
  copyFileSync(path.join(repoRoot, 'tests/fixtures/monitoring/case-interview.yaml'), path.join(dir, 'case-interview.yaml'));
  return dir;
}

const at = (local: string) => Date.parse(`${local}+07:00`);
const CASE = '+6281234500000';
const SITI = '+6281234500001';
const JOKO = '+6281234500002';

describe('the tracing loop, end to end through the pipeline and the fake channel (real Redis and SQLite)', () => {
  let sys: Sys;
  let phone: FakePlatform;
  let now = at('2026-11-30T10:00:00');
  const sql = <T>(q: string, ...p: unknown[]) => sys.db.$client.prepare(q).get(...p) as T;

  beforeAll(async () => {
    sys = await startTestSystem(
      inject('redisUrl'),
      { ROLES: 'worker,channels', OUTREACH_CHANNEL: 'fake', FLOWS_DIR: flowsDir(), MONITORING_ENABLED: 'true' },
      { clock: () => now, monitoringTickMs: 3_600_000 },
    );
    phone = sys.fakePlatform!;
  });
  afterAll(async () => {
    await sys.stop();
  });

  /** Wait until the person's phone shows a message containing `text` after the first `from` messages. */
  const shows = (user: string, text: string, from = 0) =>
    eventually(() => phone.inbox(user).slice(from).find((m) => m.text.includes(text)), `${user} to read "${text}"`);
  /** The person answers and we wait for the bot to answer back (any new message). */
  const answer = async (user: string, text: string) => {
    const before = phone.inbox(user).length;
    phone.patientSends(user, { kind: 'text', text });
    await eventually(() => (phone.inbox(user).length > before ? true : undefined), `${user}: a reply to "${text}"`);
  };
  const checkin = (contactId: number, date: string) =>
    sql<{ status: string; day: number } | undefined>(
      `SELECT k.status, k.day FROM monitoring_checkins k JOIN monitoring_enrolments e ON e.id = k.enrolment_id WHERE e.contact_id = ? AND k.date = ?`,
      contactId,
      date,
    );
  const contactId = (phoneE164: string) => sql<{ id: number }>(`SELECT id FROM contacts WHERE phone = ?`, phoneE164).id;

  it('notifies both contacts a case names, follows them for six days, escalates symptoms and turns a positive test into a linked case', async () => {
    // A confirmed case is written to first and names two contacts with phones, last seen today.
    const [kase] = createCases(sys.stores, [{ externalId: 'LAB-1', name: 'Ani Lestari', phone: CASE, dateOfBirth: '1990-03-14', testDate: '2026-11-29', confirmedAt: now, language: 'id', area: 'Menteng' }], {
      now,
      startCodeTtlMs: 86_400_000,
    });
    await sys.outreach.request([kase!.id]);
    // Identity first (issue 17): the case types her date of birth, then the interview starts.
    await shows(CASE, 'pesan kesehatan penting untuk Ani');
    await answer(CASE, 'halo');
    await answer(CASE, '14/03/1990');
    await shows(CASE, 'Siapa saja');
    for (const text of ['Siti Aminah', '081234500001', 'hari ini', 'ya', 'Joko Susilo', '081234500002', 'hari ini']) await answer(CASE, text);
    phone.patientSends(CASE, { kind: 'text', text: 'tidak' });

    // Both are notified within seconds, by the neutral first message that names nobody.
    await shows(SITI, 'pesan kesehatan penting untuk Siti');
    await shows(JOKO, 'pesan kesehatan penting untuk Joko');
    const siti = contactId(SITI);
    const joko = contactId(JOKO);
    expect(count(sys.db, `SELECT count(*) AS n FROM monitoring_enrolments WHERE status = 'active' AND notify_status = 'sent'`)).toBe(2);
    expect(count(sys.db, `SELECT count(*) AS n FROM outbox WHERE payload LIKE '%"event":"contact.notified"%'`)).toBe(2);
    for (const [user, name] of [
      [SITI, 'Siti Aminah'],
      [JOKO, 'Joko Susilo'],
    ] as const) {
      for (const text of ['halo', name]) await answer(user, text);
      await shows(user, 'Apakah sekarang Anda merasakan gejala');
      for (const text of ['tidak', 'ya']) await answer(user, text);
      phone.patientSends(user, { kind: 'text', text: 'tidak' });
      await eventually(() => (sql<{ s: string }>(`SELECT state AS s FROM conversations WHERE channel_user_id = ? ORDER BY id DESC`, user).s.includes('"status":"completed"') ? true : undefined), `${user} notified`);
    }
    const period = sql<{ q: string; t: string }>(`SELECT quarantine_end AS q, test_dates AS t FROM monitoring_enrolments WHERE contact_id = ?`, joko);
    expect(period).toEqual({ q: '2026-12-05', t: '["2026-12-01","2026-12-05"]' });

    for (let day = 1; day <= 6; day++) {
      const date = `2026-12-0${day}`;
      now = at(`${date}T08:00:00`);
      const seen = { siti: phone.inbox(SITI).length, joko: phone.inbox(JOKO).length };
      const report = await sys.monitoring.tick(now);
      // Running the same moment again plans and sends nothing twice.
      const again = await sys.monitoring.tick(now);
      expect(again.planned).toBe(0);
      expect(again.items).toEqual([]);
      expect(report.planned).toBe(2);

      if (day < 6) {
        await shows(JOKO, `hari ke-${day} dari 5`, seen.joko);
        await answer(JOKO, 'tidak');
      } else {
        // The day after the exit test: the result. Positive: a case, and the case interview starts in this chat at once.
        await shows(JOKO, 'Apa hasil tes terakhir Anda?', seen.joko);
        await answer(JOKO, 'positif');
        await shows(JOKO, 'Siapa saja', seen.joko);
      }
      expect(checkin(joko, date)).toEqual({ status: 'answered', day });

      if (day <= 2) {
        await shows(SITI, `hari ke-${day} dari 5`, seen.siti);
        if (day === 1) await answer(SITI, 'tidak');
        else {
          await answer(SITI, 'ya');
          await answer(SITI, 'demam');
        }
        expect(checkin(siti, date)?.status).toBe('answered');
      } else {
        // A tracer holds Siti's chat since her symptoms: the day's check-in is not sent over their conversation.
        expect(checkin(siti, date)?.status).toBe('skipped');
      }
    }

    // Siti: escalated as a symptomatic contact, high priority, waiting in the tracers' inbox.
    const queue = listQueue(sys.stores, { view: 'unassigned', status: 'open', userId: 0 });
    const sitiConv = sql<{ id: number }>(`SELECT id FROM conversations WHERE channel_user_id = ? AND flow_id = 'daily-checkin' ORDER BY id DESC`, SITI).id;
    const escalation = sql<{ detail: string; priority: string; status: string }>(`SELECT detail, priority, status FROM escalations WHERE conversation_id = ?`, sitiConv);
    expect(escalation).toEqual({ detail: 'symptomatic_contact', priority: 'high', status: 'open' });
    expect(queue.map((q) => q.conversationId)).toContain(sitiConv);
    expect(sql<{ s: number | null }>(`SELECT symptomatic_at AS s FROM monitoring_enrolments WHERE contact_id = ?`, siti).s).not.toBeNull();
    expect(count(sys.db, `SELECT count(*) AS n FROM outbox WHERE payload LIKE '%"event":"contact.symptomatic"%'`)).toBe(1);

    // Joko: a new case whose record names the contact it came from (the chain edge to Ani), interviewed in the same chat.
    const became = sql<{ id: number; status: string; source_contact_id: number }>(`SELECT id, status, source_contact_id FROM cases WHERE id <> ?`, kase!.id);
    expect(became.source_contact_id).toBe(joko);
    expect(sql<{ case_id: number }>(`SELECT case_id FROM exposures WHERE contact_id = ?`, joko).case_id).toBe(kase!.id);
    expect(sql<{ status: string; became_case_id: number }>(`SELECT status, became_case_id FROM monitoring_enrolments WHERE contact_id = ?`, joko)).toEqual({
      status: 'became_case',
      became_case_id: became.id,
    });
    const interview = sql<{ flow_id: string; case_id: number; owner: string }>(`SELECT flow_id, case_id, owner FROM conversations WHERE channel_user_id = ? ORDER BY id DESC`, JOKO);
    expect(interview).toEqual({ flow_id: 'case-interview', case_id: became.id, owner: 'bot' });
    expect(count(sys.db, `SELECT count(*) AS n FROM outbox WHERE payload LIKE '%"event":"contact.became_case"%'`)).toBe(1);
  }, 120_000);
});
