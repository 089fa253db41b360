import { describe, expect, it } from 'vitest';
import { enrolPending, recordTestResult, updateMonitoringPolicy } from '../../../src/services/monitoring/index.js';
import { POLICY, at, loopHarness } from './harness.js';

const SITI = '+6281234500001';
const opts = (h: ReturnType<typeof loopHarness>) => ({ policy: h.policy(), now: h.now, startCodeTtlMs: 86_400_000 });

/** A contact enrolled and notified (the notification run answered to its end). */
function notified(h: ReturnType<typeof loopHarness>, lastContact = '2026-11-30') {
  const x = h.name('LAB-1', { name: 'Siti Aminah', phone: SITI }, lastContact);
  const r = h.tick();
  const e = h.stores.monitoring.activeByContact(x.contactId)!;
  expect(r.notify).toEqual([e.id]);
  h.notify(e.id, SITI);
  for (const text of ['halo', 'Siti Aminah', 'tidak', 'ya', 'tidak']) h.say(SITI, text);
  return { ...x, enrolmentId: e.id };
}

describe('following a contact (services over SQLite and the real flows)', () => {
  it('enrols an exposure once, and a second case who names the same contact later moves the end of the one record', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const a = h.name('LAB-1', { name: 'Siti Aminah', phone: SITI }, '2026-11-28');
    expect(enrolPending(h.stores, POLICY, h.now).created).toHaveLength(1);
    expect(enrolPending(h.stores, POLICY, h.now)).toEqual({ enrolled: 0, created: [] });
    h.name('LAB-2', { name: 'Siti A.', phone: SITI }, '2026-11-30');
    expect(enrolPending(h.stores, POLICY, h.now)).toEqual({ enrolled: 1, created: [] });
    const e = h.stores.monitoring.activeByContact(a.contactId)!;
    expect(e).toMatchObject({ lastExposureDate: '2026-11-30', quarantineEnd: '2026-12-05', testDates: ['2026-12-01', '2026-12-05'], lastCheckinDate: '2026-12-06' });
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM monitoring_enrolments`).get()).toEqual({ n: 1 });
    // An earlier exposure named later does not move the end back.
    h.name('LAB-3', { name: 'Siti', phone: SITI }, '2026-11-27');
    enrolPending(h.stores, POLICY, h.now);
    expect(h.stores.monitoring.byId(e.id)!.quarantineEnd).toBe('2026-12-05');
  });

  it('plans a day once however often the tick runs, and not before the check-in hour', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = notified(h);
    expect(h.tick('2026-12-01T07:59:00').planned).toBe(0);
    const first = h.tick('2026-12-01T08:00:00');
    expect(first.planned).toBe(1);
    expect(first.items).toHaveLength(1);
    const again = h.tick('2026-12-01T08:00:00');
    expect([again.planned, again.items.length]).toEqual([0, 0]);
    expect(h.tick('2026-12-01T09:30:00').items).toEqual([]);
    expect(h.stores.monitoring.checkins(x.enrolmentId).map((k) => [k.date, k.day, k.status])).toEqual([['2026-12-01', 1, 'sent']]);
    expect(h.texts(SITI).filter((t) => t.includes('hari ke-1 dari 5'))).toHaveLength(1);
  });

  it('counts two unanswered check-ins in a row and asks a tracer to call (contact_unresponsive, high)', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = notified(h);
    h.tick('2026-12-01T08:00:00');
    h.tick('2026-12-02T08:00:00');
    expect(h.stores.monitoring.byId(x.enrolmentId)!.unresponsiveAt).toBeNull();
    const r = h.tick('2026-12-03T08:00:00');
    expect([r.missed, r.unresponsive]).toEqual([1, 1]);
    const esc = h.db.$client.prepare(`SELECT reason, priority, status FROM escalations`).all();
    expect(esc).toEqual([{ reason: 'contact_unresponsive', priority: 'high', status: 'open' }]);
    expect(h.stores.monitoring.checkins(x.enrolmentId).map((k) => k.status)).toEqual(['missed', 'missed', 'skipped']);
    // Once only: a later tick raises nothing new.
    h.tick('2026-12-04T08:00:00');
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM escalations`).get()).toEqual({ n: 1 });
  });

  it('puts a closed chat back in the queue when its contact stops answering', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    notified(h);
    h.tick('2026-12-01T08:00:00');
    h.tick('2026-12-02T08:00:00');
    // A tracer had closed the chat (resolved) before the second miss is counted.
    h.db.$client.prepare(`UPDATE conversations SET owner = 'closed', closed_reason = 'resolved' WHERE channel_user_id = ?`).run(SITI);
    expect(h.tick('2026-12-03T08:00:00').unresponsive).toBe(1);
    const last = h.db.$client.prepare(`SELECT c.owner, e.reason FROM conversations c JOIN escalations e ON e.conversation_id = c.id ORDER BY c.id DESC`).get();
    expect(last).toEqual({ owner: 'tracer', reason: 'contact_unresponsive' });
  });

  it('releases at the end of the period with the date, and a later message hears only that the quarantine has ended', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = notified(h);
    for (let d = 1; d <= 6; d++) {
      h.tick(`2026-12-0${d}T08:00:00`);
      if (d < 6) h.say(SITI, 'tidak');
      else for (const t of ['belum', 'tidak']) h.say(SITI, t);
    }
    expect(h.stores.monitoring.byId(x.enrolmentId)!.status).toBe('active');
    h.tick('2026-12-07T08:00:00');
    const e = h.stores.monitoring.byId(x.enrolmentId)!;
    expect([e.status, e.closedReason]).toEqual(['released', 'released_end']);
    expect(h.texts(SITI).at(-2)).toContain('Masa karantina Anda selesai pada 5 Des 2026');
    const rows = () => h.db.$client.prepare(`SELECT (SELECT count(*) FROM monitoring_checkins) AS k, (SELECT count(*) FROM escalations) AS e, (SELECT updated_at FROM monitoring_enrolments) AS u`).get();
    const before = rows();
    h.say(SITI, 'halo, saya demam');
    expect(h.texts(SITI).at(-1)).toContain('Masa karantina Anda sudah selesai');
    h.say(SITI, 'halo?');
    expect(h.texts(SITI).at(-1)).toContain('Masa karantina Anda sudah selesai');
    expect(rows()).toEqual(before);
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM outbox WHERE payload LIKE '%contact.released%'`).get()).toEqual({ n: 1 });
  });

  it('releases on a negative exit test with no symptoms reported in the check-in', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = notified(h);
    for (let d = 1; d <= 5; d++) {
      h.tick(`2026-12-0${d}T08:00:00`);
      h.say(SITI, 'tidak');
    }
    h.tick('2026-12-06T08:00:00');
    h.say(SITI, 'negatif');
    h.say(SITI, 'tidak');
    const e = h.stores.monitoring.byId(x.enrolmentId)!;
    expect([e.status, e.closedReason, e.testResult]).toEqual(['released', 'released_negative', 'negative']);
    expect(h.texts(SITI).some((t) => t.includes('Hasil tes Anda negatif'))).toBe(true);
  });

  it('records a lab result once: an unknown contact is not found, the same positive twice makes one case', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = notified(h);
    expect(recordTestResult(h.stores, 9999, { result: 'positive', testedAt: '2026-12-02' }, { kind: 'token', id: 1 }, opts(h))).toEqual({ kind: 'not_found' });
    const first = recordTestResult(h.stores, x.contactId, { result: 'positive', testedAt: '2026-12-02' }, { kind: 'token', id: 1 }, opts(h));
    const second = recordTestResult(h.stores, x.contactId, { result: 'positive', testedAt: '2026-12-02' }, { kind: 'token', id: 1 }, opts(h));
    expect(first).toMatchObject({ kind: 'recorded', duplicate: false });
    expect(second).toMatchObject({ kind: 'recorded', duplicate: true });
    if (first.kind !== 'recorded' || second.kind !== 'recorded') throw new Error('unreachable');
    expect(second.caseId).toBe(first.caseId);
    expect(h.db.$client.prepare(`SELECT source_contact_id AS s FROM cases WHERE id = ?`).get(first.caseId)).toEqual({ s: x.contactId });
    // The interview starts in the contact's chat, which the bot's finished notification run no longer holds.
    h.run(first.followUps);
    expect(h.db.$client.prepare(`SELECT flow_id AS f, case_id AS c FROM conversations WHERE owner <> 'closed'`).get()).toEqual({ f: 'case-interview', c: first.caseId });
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.test_result'`).get()).toEqual({ n: 1 });
  });

  it('lets a coordinator change the days without code, validated and audited', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    expect(updateMonitoringPolicy(h.stores, { quarantineDays: '14', exitTestDay: '13' }, { userId: null }, POLICY, h.now)).toMatchObject({ ok: true });
    expect(h.policy()).toEqual({ ...POLICY, quarantineDays: 14, exitTestDay: 13 });
    const bad = updateMonitoringPolicy(h.stores, { exitTestDay: 20 }, { userId: null }, POLICY, h.now);
    expect(bad.ok).toBe(false);
    expect(h.policy().exitTestDay).toBe(13);
    const x = h.name('LAB-9', { name: 'Budi', phone: null }, '2026-11-30');
    h.tick();
    expect(h.stores.monitoring.activeByContact(x.contactId)).toMatchObject({ quarantineEnd: '2026-12-14', notifyStatus: 'pending' });
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM audit_log WHERE action = 'monitoring.policy_updated'`).get()).toEqual({ n: 1 });
    expect(at('2026-12-01T08:00:00')).toBe(Date.parse('2026-12-01T01:00:00Z'));
  });
});

describe('a number not proven to be the contact', () => {
  it('gets no check-in and no release message: only the neutral first message and its reminders', () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = h.name('LAB-1', { name: 'Siti Aminah', phone: SITI }, '2026-11-30');
    h.tick();
    const e = h.stores.monitoring.activeByContact(x.contactId)!;
    h.notify(e.id, SITI);
    h.say(SITI, 'halo');
    h.say(SITI, 'Budi');
    expect(h.tick('2026-12-01T08:00:00').planned).toBe(0);
    expect(h.stores.monitoring.byId(e.id)!.repliedAt).toBeNull();
    h.tick('2026-12-07T08:00:00');
    expect(h.stores.monitoring.byId(e.id)).toMatchObject({ status: 'released', closedReason: 'released_end' });
    expect(h.texts(SITI).some((t) => /karantina|quarantine/i.test(t))).toBe(false);
    // The notification run keeps the flow's reminder and expiry timers (a tracer takes over a contact who never answers).
    expect(h.db.$client.prepare(`SELECT count(*) AS n FROM timers`).get()).toEqual({ n: 2 });
  });
});
