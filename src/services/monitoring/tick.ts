import type { LiveEvent } from '../../domain/live-events.js';
import type { MailboxItem } from '../../domain/mailbox-item.js';
import { MonitoringReasons, UNRESPONSIVE_AFTER_MISSES, type MonitoringPolicy } from '../../domain/monitoring.js';
import type { Repositories } from '../../domain/repositories/index.js';
import { localDate } from '../../flow/answers/index.js';
import { epochAtLocal } from '../../flow/clock.js';
import { changeOwnership } from '../change-ownership.js';
import { escalateConversation, recordEscalation } from '../escalations.js';
import { enrolPending } from './enrol.js';
import { release, releaseReason } from './outcomes.js';

type MonitoringItem = Extract<MailboxItem, { type: 'monitoring' }>;

/** What the tick writes through. */
export type TickStores = Pick<Repositories, 'monitoring' | 'conversations' | 'escalations' | 'outbox' | 'transactions' | 'cases'>;

/** What one tick did, and what to do after it: items for chats' mailboxes, records to notify, outbox rows, live events. */
export interface TickReport {
  at: number;
  /** The local date the tick ran for. */
  date: string;
  enrolled: number;
  /** Records waiting for outreach (new, or waiting for longer than a minute). */
  notify: number[];
  planned: number;
  missed: number;
  unresponsive: number;
  released: number;
  items: MonitoringItem[];
  outboxIds: number[];
  live: LiveEvent[];
}

/** The settings row holding the last local date whose check-ins were planned. */
export const PLANNED_DATE_SETTING = 'monitoring.planned_date';

/** A queued check-in whose item was not handled this long after is queued again (Redis lost it). */
export const REQUEUE_AFTER_MS = 10 * 60_000;

/**
 * The scheduler, as if the clock read `at` (tests, demos and operators replay a day with `monitoring tick --at`). Idempotent:
 * every step reads and writes stored rows with due times, so a second tick at the same moment adds nothing.
 * 1. enrol exposures not enrolled yet and list records waiting for outreach;
 * 2. once a day, from the local check-in hour on: yesterday's unanswered check-ins become missed (two in a row: `contact_unresponsive`),
 *    today's check-ins are planned for every active notified record whose period covers today (one SQL statement), and
 *    records past their last day (or with a negative exit test and no symptoms) are released;
 * 3. check-ins due by `at` become mailbox items (queued), at most `limit` a tick: the channels' throttles pace them anyway.
 */
export function monitoringTick(stores: TickStores, policy: MonitoringPolicy, at: number, limit = 20_000): TickReport {
  const m = stores.monitoring;
  const date = localDate(at, policy.timeZone);
  const report: TickReport = { at, date, enrolled: 0, notify: [], planned: 0, missed: 0, unresponsive: 0, released: 0, items: [], outboxIds: [], live: [] };
  const pending = enrolPending(stores, policy, at);
  report.enrolled = pending.enrolled;
  report.notify = [...new Set([...pending.created, ...m.pendingNotifications(at - 60_000, limit)])];

  const dueAt = epochAtLocal(date, `${policy.checkinHour}:00`, policy.timeZone);
  // The day's pass runs once (the setting remembers the date): re-planning a million records every minute would cost
  // seconds of a busy writer for nothing.
  if (at >= dueAt && m.getSetting(PLANNED_DATE_SETTING) !== date) {
    stores.transactions.transaction(() => {
      const { missed, unresponsive } = m.markMissedBefore(date, UNRESPONSIVE_AFTER_MISSES, at);
      report.missed = missed;
      for (const id of unresponsive) if (escalateUnresponsive(stores, id, at, report)) report.unresponsive++;
      report.planned = m.planDay(date, dueAt, epochAtLocal(date, '00:00', policy.timeZone), at);
      m.putSetting(PLANNED_DATE_SETTING, date, null, at);
    });
    for (const id of m.toRelease(date, Number.MAX_SAFE_INTEGER)) {
      const e = m.byId(id);
      if (!e || !releaseReason(e, date)) continue;
      // Only a confirmed person hears the release (it names their quarantine); others are closed quietly.
      if (e.channel && e.channelUserId && e.notifyStatus === 'sent' && e.repliedAt !== null) {
        // The release run closes the record and says the date in the contact's chat.
        report.items.push({ type: 'monitoring', action: 'release', enrolmentId: id, channel: e.channel, channelUserId: e.channelUserId, id: `release-${id}`, enqueuedAt: at });
      } else if (stores.transactions.transaction(() => release(stores, e, releaseReason(e, date)!, at, report))) report.released++;
    }
  }
  stores.transactions.transaction(() => {
    for (const k of m.dueCheckins(at, at - REQUEUE_AFTER_MS, limit)) {
      m.markCheckinQueued(k.checkinId, at);
      report.items.push({ type: 'monitoring', action: 'checkin', enrolmentId: k.enrolmentId, checkinId: k.checkinId, channel: k.channel, channelUserId: k.channelUserId, id: `checkin-${k.checkinId}`, enqueuedAt: at });
    }
  });
  return report;
}

/** Two check-ins in a row without an answer: the contact's chat goes to the tracers (`contact_unresponsive`, high). */
function escalateUnresponsive(stores: TickStores, enrolmentId: number, now: number, report: TickReport): boolean {
  const m = stores.monitoring;
  const e = m.byId(enrolmentId);
  if (!e) return false;
  m.markUnresponsive(e.id, now);
  if (!e.channel || !e.channelUserId) return true;
  const conv = stores.conversations.latestForChat(e.channel, e.channelUserId);
  if (!conv) return true;
  const req = { reason: MonitoringReasons.unresponsive, priority: 'high' as const, detail: null };
  if (conv.owner === 'closed') {
    // The chat was closed (a tracer resolved it earlier): it comes back to the queue, as a chat that writes again does.
    const change = changeOwnership(stores.conversations, conv, [{ type: 'reopen' }, { type: 'escalate' }], now, { closedReason: null });
    if (!change.ok || !change.written) return true;
    const r = recordEscalation(stores, { ...req, conversationId: conv.id, caseId: conv.caseId, stepId: conv.stepId }, change.ownership.assigneeId, now);
    report.outboxIds.push(...r.outboxIds);
    report.live.push({ type: 'conversation.updated', conversationId: conv.id, at: now }, ...r.live);
    return true;
  }
  const r = escalateConversation(stores, conv, req, now);
  if (r.ok) {
    report.outboxIds.push(...r.outboxIds);
    report.live.push(...r.live);
  }
  return true;
}
