import type { Db } from '../../../src/db/index.js';
import { insertCase, insertContact, insertExposure, insertUser } from './support.js';

/** The dashboard's hand-computed fixture, shared by the service test and the browser test that reads the rendered page. */

const H = 3_600_000;

export const at = (iso: string) => Date.parse(iso);
export const NOW = at('2026-03-09T12:00:00Z'); // 19:00 in Jakarta

function escalation(db: Db, e: { status: 'open' | 'pending' | 'resolved'; assigneeId?: number | null; waitingSince: number; resolvedAt?: number }): void {
  const conv = db.$client
    .prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('fake', ?, 'f', 1, '{}', 'closed') RETURNING id`)
    .get(`u${Math.random()}`) as { id: number };
  db.$client
    .prepare(
      `INSERT INTO escalations (conversation_id, reason, status, assignee_id, waiting_since, resolved_at, created_at, updated_at) VALUES (?, 'patient_asked', ?, ?, ?, ?, ?, ?)`,
    )
    .run(conv.id, e.status, e.assigneeId ?? null, e.waitingSince, e.resolvedAt ?? null, e.waitingSince, e.waitingSince);
}

/**
 * Hand-computed fixture (Jakarta = UTC+7; range 8-9 March local = [7 Mar 17:00Z, 9 Mar 17:00Z)):
 * C1 confirmed 8 Mar 08:00 local, done in 6 h, 3 contacts; C2 8 Mar 17:00, done in 30 h, 1 contact; C3 9 Mar 01:00 local
 * (still 8 Mar in UTC), done in 12 h, no contacts; C4 reached, not done, 2 contacts; C5 unreachable. C6 and C7 fall just
 * outside the range on either side.
 */
export function fixture(db: Db) {
  const c1 = insertCase(db, { externalId: 'C1', confirmedAt: at('2026-03-08T01:00:00Z'), firstReachedAt: at('2026-03-08T02:00:00Z'), completedAt: at('2026-03-08T07:00:00Z') });
  const c2 = insertCase(db, { externalId: 'C2', confirmedAt: at('2026-03-08T10:00:00Z'), firstReachedAt: at('2026-03-08T12:00:00Z'), completedAt: at('2026-03-09T16:00:00Z') });
  insertCase(db, { externalId: 'C3', confirmedAt: at('2026-03-08T18:00:00Z'), firstReachedAt: at('2026-03-08T19:00:00Z'), completedAt: at('2026-03-09T06:00:00Z') });
  const c4 = insertCase(db, { externalId: 'C4', confirmedAt: at('2026-03-09T05:00:00Z'), firstReachedAt: at('2026-03-09T06:00:00Z') });
  insertCase(db, { externalId: 'C5', confirmedAt: at('2026-03-09T08:00:00Z'), status: 'unreachable' });
  insertCase(db, { externalId: 'C6', confirmedAt: at('2026-03-07T16:59:00Z'), firstReachedAt: at('2026-03-07T17:30:00Z'), completedAt: at('2026-03-07T18:00:00Z') });
  insertCase(db, { externalId: 'C7', confirmedAt: at('2026-03-09T17:00:00Z') });
  for (let k = 0; k < 3; k++) insertExposure(db, { caseId: c1, contactId: insertContact(db, { name: `K1-${k}` }), createdAt: at('2026-03-08T07:00:00Z') });
  insertExposure(db, { caseId: c2, contactId: insertContact(db, { name: 'K2' }), createdAt: at('2026-03-09T16:00:00Z') });
  for (let k = 0; k < 2; k++) insertExposure(db, { caseId: c4, contactId: insertContact(db, { name: `K4-${k}` }), createdAt: at('2026-03-09T17:30:00Z') });

  const ani = insertUser(db, { name: 'Ani' });
  const budi = insertUser(db, { name: 'Budi' });
  const citra = insertUser(db, { name: 'Citra', role: 'coordinator' });
  insertUser(db, { name: 'Dodi', active: false });
  escalation(db, { status: 'open', waitingSince: NOW - 0.5 * H }); // E1
  escalation(db, { status: 'open', waitingSince: NOW - 1.5 * H }); // E2
  escalation(db, { status: 'open', waitingSince: NOW - 10 * H }); // E3
  escalation(db, { status: 'pending', assigneeId: ani, waitingSince: at('2026-03-08T05:00:00Z') }); // E4
  escalation(db, { status: 'pending', assigneeId: ani, waitingSince: at('2026-03-08T06:00:00Z') }); // E5
  escalation(db, { status: 'open', assigneeId: budi, waitingSince: NOW - 1 * H }); // E6, transferred to Budi
  escalation(db, { status: 'resolved', assigneeId: budi, waitingSince: at('2026-03-08T08:00:00Z'), resolvedAt: at('2026-03-08T09:00:00Z') }); // E7
  escalation(db, { status: 'resolved', assigneeId: citra, waitingSince: at('2026-03-07T09:00:00Z'), resolvedAt: at('2026-03-07T10:00:00Z') }); // E8
  escalation(db, { status: 'resolved', assigneeId: ani, waitingSince: at('2026-03-09T10:00:00Z'), resolvedAt: at('2026-03-09T11:00:00Z') }); // E9
  return { ani, budi };
}
