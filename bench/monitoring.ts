import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRepositories, openDb } from '../src/db/index.js';
import type { MonitoringPolicy } from '../src/domain/index.js';
import { enrolPending, monitoringTick } from '../src/services/monitoring/index.js';
import { RssSampler } from './rss.js';

/** What `npm run bench -- --monitoring N --json` reports (issue 16: a day's tick for 1,000,000 contacts in under 5 minutes). */
export interface MonitoringBenchResult {
  contacts: number;
  /** Seconds to enrol every exposure (one record each, period from the policy), in batches as the tick does. */
  enrolSeconds: number;
  /** Seconds of the day's first tick at the check-in hour: count misses, plan every check-in, queue the first batch. */
  planSeconds: number;
  planned: number;
  /** Check-ins made into mailbox items by that tick (the rest follow in later ticks, paced by the channels). */
  queuedFirstTick: number;
  /** Seconds of a second tick at the same moment: it plans nothing again and queues the next batch of check-ins. */
  repeatTickSeconds: number;
  peakRssMb: number;
  dbFileMb: number;
}

const POLICY: MonitoringPolicy = { quarantineDays: 5, entryTestDay: 1, exitTestDay: 5, checkinHour: 8, timeZone: 'Asia/Jakarta' };
const CONTACTS_PER_CASE = 15;

/**
 * Follow `n` contacts in a fresh SQLite file: seed cases, contacts and exposures (not timed), enrol them all (timed), mark
 * them notified and confirmed (not timed), then run the tick of their first check-in morning (timed) and once more at the same moment.
 */
export function runMonitoringBench(n: number, log: (line: string) => void = () => {}): MonitoringBenchResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-bench-monitoring-'));
  const file = path.join(dir, 'bench.db');
  const rss = new RssSampler().start();
  try {
    const db = openDb(file);
    const stores = createRepositories(db);
    const c = db.$client;
    const t0 = Date.parse('2026-11-30T10:00:00+07:00');
    log(`seeding ${n} contacts named by ${Math.ceil(n / CONTACTS_PER_CASE)} cases...`);
    c.transaction(() => {
      const kase = c.prepare(`INSERT INTO cases (external_id, name, phone, confirmed_at, status, created_at, updated_at) VALUES (?, ?, NULL, ?, 'completed', ?, ?)`);
      const contact = c.prepare(`INSERT INTO contacts (name, phone, created_at, updated_at) VALUES (?, ?, ?, ?)`);
      const exposure = c.prepare(`INSERT INTO exposures (case_id, contact_id, last_contact_date, source_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
      let caseId = 0;
      for (let i = 0; i < n; i++) {
        if (i % CONTACTS_PER_CASE === 0) caseId = Number(kase.run(`BENCH-${i}`, `Case ${i}`, t0, t0, t0).lastInsertRowid);
        const contactId = Number(contact.run(`Contact ${i}`, `+62812${String(i).padStart(8, '0')}`, t0, t0).lastInsertRowid);
        exposure.run(caseId, contactId, i % 3 === 0 ? '2026-11-29' : '2026-11-30', `bench:${i}`, t0, t0);
      }
    })();

    let start = performance.now();
    let enrolled = 0;
    for (;;) {
      const r = enrolPending(stores, POLICY, t0, 20_000);
      if (r.enrolled === 0) break;
      enrolled += r.enrolled;
    }
    const enrolSeconds = (performance.now() - start) / 1000;
    log(`enrolled ${enrolled} in ${enrolSeconds.toFixed(1)} s`);
    c.prepare(`UPDATE monitoring_enrolments SET notify_status = 'sent', notified_at = ?, replied_at = ?, channel = 'fake', channel_user_id = 'c' || contact_id`).run(t0, t0);

    const morning = Date.parse('2026-12-01T08:00:00+07:00');
    start = performance.now();
    const tick = monitoringTick(stores, POLICY, morning);
    const planSeconds = (performance.now() - start) / 1000;
    log(`planned ${tick.planned} check-ins (${tick.items.length} queued now) in ${planSeconds.toFixed(1)} s`);
    const queued = tick.items.length;
    start = performance.now();
    const again = monitoringTick(stores, POLICY, morning);
    const repeatTickSeconds = (performance.now() - start) / 1000;
    if (again.planned !== 0) throw new Error(`a second tick planned ${again.planned} check-ins again`);
    db.$client.close();
    rss.stop();
    return {
      contacts: n,
      enrolSeconds: round(enrolSeconds),
      planSeconds: round(planSeconds),
      planned: tick.planned,
      queuedFirstTick: queued,
      repeatTickSeconds: round(repeatTickSeconds),
      peakRssMb: rss.peakMb(),
      dbFileMb: Math.round(statSync(file).size / 1024 / 1024),
    };
  } finally {
    rss.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (s: number) => Math.round(s * 100) / 100;
