import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createCases } from '../../src/services/cases.js';
import { forbiddenFacts } from '../support/forbidden-facts.js';
import { eventually, startTestSystem } from '../support/system.js';

type Sys = Awaited<ReturnType<typeof startTestSystem>>;

// Issue 17 on the fake channel (the one /phone plays): outreach and an unknown "halo" disclose nothing before identity.
const PHONE = '+6281277778888';
const SITI = { name: 'Siti Rahmawati', dateOfBirth: '1988-06-30', caseNumber: 'FK-0001' };

describe('nothing disclosed before identity on the fake channel (full system, real Redis)', () => {
  let sys: Sys;
  beforeEach(async () => {
    sys = await startTestSystem(inject('redisUrl'), { ROLES: 'worker,channels', FAKE_CHANNEL: 'on', OUTREACH_CHANNEL: 'fake' });
  });
  afterEach(async () => {
    await sys?.stop();
  });

  const botSaid = (user: string, n: number) => eventually(() => (sys.fakePlatform!.inbox(user).length >= n ? sys.fakePlatform!.inbox(user).map((d) => d.text) : undefined), `${n} bot messages to ${user}`);

  it('outreach: one neutral first message; the date of birth typed opens the interview; a wrong number hears nothing more', async () => {
    const now = Date.now();
    const [siti, other] = createCases(
      sys.stores,
      [
        { externalId: SITI.caseNumber, name: SITI.name, phone: PHONE, dateOfBirth: SITI.dateOfBirth, testDate: '2026-11-20', confirmedAt: now, language: 'id', area: null },
        { externalId: 'FK-0002', name: 'Agus Salim', phone: '+6281299990000', dateOfBirth: '1970-01-02', testDate: null, confirmedAt: now, language: 'en', area: null },
      ],
      { now, startCodeTtlMs: 86_400_000 },
    );
    await sys.outreach.request([siti!.id, other!.id]);
    const phone = sys.fakePlatform!;

    const [first] = await botSaid(PHONE, 1);
    expect(first).toBe('Dinas Kesehatan DKI Jakarta punya pesan kesehatan penting untuk Siti. Mohon balas pesan ini untuk melanjutkan.');
    expect(forbiddenFacts(first!, { ...SITI, others: ['Agus Salim'] })).toEqual([]);
    phone.patientSends(PHONE, { kind: 'text', text: 'iya?' });
    const asked = await botSaid(PHONE, 2);
    for (const t of asked) expect(forbiddenFacts(t, SITI), t).toEqual([]);
    phone.patientSends(PHONE, { kind: 'text', text: '30/06/1988' });
    const after = await eventually(() => (phone.inbox(PHONE).some((d) => d.text.includes('positif')) ? phone.inbox(PHONE).map((d) => d.text) : undefined), 'the interview greeting');
    expect(after.join('\n')).toContain('Siti Rahmawati');

    // The other number belongs to someone else.
    const [otherFirst] = await botSaid('+6281299990000', 1);
    expect(forbiddenFacts(otherFirst!, { name: 'Agus Salim', dateOfBirth: '1970-01-02', caseNumber: 'FK-0002', others: [SITI.name] })).toEqual([]);
    phone.patientSends('+6281299990000', { kind: 'text', text: 'Wrong number, sorry' });
    await eventually(() => sys.db.$client.prepare(`SELECT detail FROM escalations WHERE detail = 'wrong_number'`).get(), 'wrong-number escalation');
    const thanked = await botSaid('+6281299990000', 2);
    expect(thanked.at(-1)).toBe('Thank you for letting us know, and sorry for the trouble.');
    expect((sys.db.$client.prepare(`SELECT status FROM cases WHERE external_id = 'FK-0002'`).get() as { status: string }).status).toBe('needs_call');
  });

  it('"halo" from an unknown /phone chat names nobody and asks for the reference number and date of birth', async () => {
    const phone = sys.fakePlatform!;
    phone.patientSends('demo', { kind: 'text', text: 'halo' });
    const said = await botSaid('demo', 2);
    expect(said.at(-1)).toContain('nomor referensi');
    for (const t of said) {
      expect(t).not.toMatch(/ ,|\{\{/);
      expect(forbiddenFacts(t, SITI), t).toEqual([]);
    }
  });
});
