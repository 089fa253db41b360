import { z } from 'zod';

/**
 * Following contacts through quarantine (issue 16): the policy coordinators set, the period it gives an exposure, and the
 * stage a monitoring record is in. Pure: dates are ISO `YYYY-MM-DD` calendar days in the policy's time zone, the caller
 * passes "today".
 */

/** The quarantine policy (KMK HK.01.07/MENKES/4641/2021 defaults); every number a setting. */
export const MonitoringPolicy = z
  .object({
    /** Quarantine lasts this many days after the last contact. */
    quarantineDays: z.number().int().min(1).max(60),
    /** Day (after the last contact) of the entry test. */
    entryTestDay: z.number().int().min(0).max(60),
    /** Day of the exit test; the day after it the check-in asks for the result. */
    exitTestDay: z.number().int().min(1).max(60),
    /** Local hour (0-23) the daily check-in is sent. */
    checkinHour: z.number().int().min(0).max(23),
    /** IANA time zone of the days and the hour. */
    timeZone: z.string().min(1).max(64),
  })
  .strict()
  .refine((p) => p.entryTestDay <= p.exitTestDay, { message: 'the entry test comes before the exit test', path: ['entryTestDay'] })
  .refine((p) => p.exitTestDay <= p.quarantineDays, { message: 'the exit test is within the quarantine', path: ['exitTestDay'] });
export type MonitoringPolicy = z.infer<typeof MonitoringPolicy>;

/** The settings row holding the policy coordinators edit. */
export const MONITORING_POLICY_SETTING = 'monitoring.policy';

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The monitoring period an exposure on `lastExposureDate` gives under `policy`. */
export interface MonitoringPeriod {
  lastExposureDate: string;
  quarantineEnd: string;
  testDates: string[];
  /** The last day a check-in is sent: the day after the exit test (to ask its result), or the quarantine end if later. */
  lastCheckinDate: string;
}

/** The period for a last exposure on `lastExposureDate`: day N is that date plus N days. */
export function periodFor(lastExposureDate: string, policy: MonitoringPolicy): MonitoringPeriod {
  const quarantineEnd = addDays(lastExposureDate, policy.quarantineDays);
  const testDates = [...new Set([policy.entryTestDay, policy.exitTestDay])].map((d) => addDays(lastExposureDate, d));
  const afterExit = addDays(lastExposureDate, policy.exitTestDay + 1);
  return { lastExposureDate, quarantineEnd, testDates, lastCheckinDate: afterExit > quarantineEnd ? afterExit : quarantineEnd };
}

/** The later of two periods (a contact named again keeps one record whose end moves later). */
export function laterPeriod(a: MonitoringPeriod, b: MonitoringPeriod): MonitoringPeriod {
  return b.lastExposureDate > a.lastExposureDate ? b : a;
}

export type EnrolmentStatus = 'active' | 'released' | 'became_case' | 'closed';
export type NotifyStatus = 'pending' | 'queued' | 'sent' | 'needs_call';
export type CallOutcome = 'reached' | 'not_reached' | 'wrong_number';
export type TestResult = 'positive' | 'negative';
export type ResultSource = 'chat' | 'tracer' | 'api';

/** Where a record stands on the coordinators' roster. */
export type MonitoringStage = 'needs_call' | 'enrolled' | 'notified' | 'monitoring' | 'symptomatic' | 'unreachable' | 'released' | 'became_case' | 'closed';

/** The fields the stage depends on. */
export interface StageInput {
  status: EnrolmentStatus;
  notifyStatus: NotifyStatus;
  callOutcome: CallOutcome | null;
  repliedAt: number | null;
  symptomaticAt: number | null;
  unresponsiveAt: number | null;
}

/** The roster stage of a record: closed records by how they ended, active ones by what happened last that matters most. */
export function monitoringStage(e: StageInput): MonitoringStage {
  if (e.status !== 'active') return e.status;
  if (e.symptomaticAt !== null) return 'symptomatic';
  if (e.unresponsiveAt !== null) return 'unreachable';
  if (e.notifyStatus === 'needs_call') return e.callOutcome === 'reached' ? 'monitoring' : 'needs_call';
  if (e.notifyStatus !== 'sent') return 'enrolled';
  return e.repliedAt !== null ? 'monitoring' : 'notified';
}

/** Unanswered check-ins in a row after which a tracer is asked to call (`contact_unresponsive`). */
export const UNRESPONSIVE_AFTER_MISSES = 2;

/** Escalation reasons of the loop (the flows raise `symptomatic_contact` themselves through `escalate_when`). */
export const MonitoringReasons = { symptomatic: 'symptomatic_contact', unresponsive: 'contact_unresponsive' } as const;
