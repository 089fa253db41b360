import { daysBetween, type MonitoringPolicy } from '../../domain/monitoring.js';
import type { EnrolmentRecord } from '../../domain/repositories/index.js';

/** The flow ids of the loop (the files in flows/). */
export const MonitoringFlowIds = { notify: 'contact-notification', checkin: 'daily-checkin' } as const;

/** What a contact's run says at its start: `checkin` (daily), `release` (end of the period), `closed` (wrote after it). */
export type RunStage = 'checkin' | 'release' | 'closed';

/** Context values a run of the two contact flows reads (see the flows' headers and src/flow/context-vars.ts). */
export interface RunContext {
  contact: Record<string, string | null>;
  monitoring: Record<string, string | number | boolean | string[] | null>;
}

/** The first word of a name (what a first message may say). */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/** The `contact.*` and `monitoring.*` values of a run on `today` (local date). */
export function runContext(e: EnrolmentRecord, contactName: string, today: string, policy: MonitoringPolicy, stage: RunStage): RunContext {
  const exit = e.testDates.at(-1) ?? e.quarantineEnd;
  return {
    contact: { name: contactName, first_name: firstName(contactName) },
    monitoring: {
      today,
      exposure_date: e.lastExposureDate,
      quarantine_end: e.quarantineEnd,
      test_dates: e.testDates,
      entry_test_date: e.testDates[0] ?? null,
      exit_test_date: exit,
      day: Math.max(0, daysBetween(e.lastExposureDate, today)),
      days: daysBetween(e.lastExposureDate, e.quarantineEnd),
      is_test_day: e.testDates.includes(today),
      is_exit_test_day: today === exit,
      ask_result: today > exit && e.testResult === null,
      checkin_hour: policy.checkinHour,
      stage,
    },
  };
}
