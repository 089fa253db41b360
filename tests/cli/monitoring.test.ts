import { describe, expect, it } from 'vitest';
import { runMonitoringCommand } from '../../src/cli/monitoring.js';
import { POLICY, loopHarness } from '../services/monitoring/harness.js';

const SITI = '+6281234500001';

function run(h: ReturnType<typeof loopHarness>, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const config = { DEFAULT_FLOW: 'case-interview', DEFAULT_COUNTRY: 'ID', VERIFY_FLOW: 'verify-identity', monitoringPolicy: POLICY, START_CODE_TTL_DAYS: 14 };
  return runMonitoringCommand(args, { db: h.db, config, now: h.now, out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } }).then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

describe('npm run cli -- monitoring', () => {
  it('replays a morning with tick --at: the check-in is started once, however often the moment is replayed', async () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const x = h.name('LAB-1', { name: 'Siti Aminah', phone: SITI }, '2026-11-30');
    h.tick();
    const e = h.stores.monitoring.activeByContact(x.contactId)!;
    h.notifyAndConfirm(e.id, SITI, 'Siti Aminah');
    const first = await run(h, ['tick', '--at', '2026-12-01T08:00:00+07:00']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('(local date 2026-12-01): 0 exposures enrolled, 0 contacts waiting for notification, 1 check-ins planned, 1 runs started');
    const again = await run(h, ['tick', '--at', '2026-12-01T08:00:00+07:00']);
    expect(again.out).toContain('0 check-ins planned, 0 runs started');
    expect(h.stores.monitoring.checkins(e.id).map((k) => [k.date, k.status])).toEqual([['2026-12-01', 'sent']]);
    expect(h.texts(SITI).filter((t) => t.includes('hari ke-1'))).toHaveLength(1);
  });

  it('prints the policy, and refuses a time it cannot read', async () => {
    const h = loopHarness('2026-11-30T10:00:00');
    const p = await run(h, ['policy']);
    expect(JSON.parse(p.out)).toEqual(POLICY);
    const bad = await run(h, ['tick', '--at', 'tomorrow']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('usage: npm run cli -- monitoring');
  });
});
