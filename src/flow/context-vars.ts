import { addDays } from './answers/calendar.js';

/**
 * The context a service gives a contact's flows besides `case.*`: `contact.*` (who we believe we are writing to) and
 * `monitoring.*` (their quarantine, computed from the policy). Flows read them in templates (`{{monitoring.quarantine_end}}`)
 * and conditions (`{ monitoring.is_test_day: true }`); the checker warns about keys not listed here, so a typo in a flow
 * is caught before a contact reads an empty date. Dates are ISO `YYYY-MM-DD` in the deployment's timezone and render as
 * local dates in the chat's language.
 */

/** A context value: dates are ISO strings, lists of dates string arrays. */
export type ContextValue = string | number | boolean | string[] | null;
/** One context root's values by key. */
export type ContextRecord = Record<string, ContextValue>;

/** The context roots a service may set, besides `case`. */
export const CONTEXT_ROOTS = ['contact', 'monitoring'] as const;
export type ContextRoot = (typeof CONTEXT_ROOTS)[number];

/** Every key a flow may read under each root, with what it holds (the contract with the monitoring services). */
export const CONTEXT_KEYS: Readonly<Record<ContextRoot, Readonly<Record<string, string>>>> = {
  contact: {
    name: 'the full name the case or a tracer gave; compared with what the person types, never shown',
    first_name: 'the first word of the name; the only part of a name a first message may show',
    invite_names: 'a Telegram invite chat: the names of everyone the case named (list); compared, never shown',
    invite_case_id: 'a Telegram invite chat: the case whose link was opened (service bookkeeping; never shown)',
  },
  monitoring: {
    today: "today's date in the deployment's timezone (date)",
    exposure_date: 'the last exposure (date)',
    quarantine_end: 'the last day of quarantine (date)',
    test_dates: 'every test date of the policy (list of dates)',
    entry_test_date: 'the first test date (date)',
    exit_test_date: 'the last test date (date)',
    day: "today's day of quarantine, from 1 (number)",
    days: 'the days of quarantine in all (number)',
    is_test_day: 'today is a test day (yes/no)',
    is_exit_test_day: 'today is the exit test day (yes/no)',
    ask_result: 'ask for the exit test result today (yes/no)',
    stage: "what today's run is for: checkin, release or closed",
    checkin_hour: 'the local hour of the morning check-in (number)',
  },
};

/** True when `root` is one of the context roots (not `case`). */
export function isContextRoot(root: string): root is ContextRoot {
  return (CONTEXT_ROOTS as readonly string[]).includes(root);
}

/**
 * Plausible values for every catalogued key, for simulating a contact flow before publishing it: a contact named Siti
 * Aminah, exposed two days before `today`, on day 2 of a 5-day quarantine with tests on days 1 and 5.
 */
export function sampleContext(today: string): { contact: ContextRecord; monitoring: ContextRecord } {
  const exposure = addDays(today, -2);
  const tests = [addDays(exposure, 1), addDays(exposure, 5)];
  return {
    contact: { name: 'Siti Aminah', first_name: 'Siti' },
    monitoring: {
      today,
      exposure_date: exposure,
      quarantine_end: addDays(exposure, 5),
      test_dates: tests,
      entry_test_date: tests[0]!,
      exit_test_date: tests[1]!,
      day: 2,
      days: 5,
      is_test_day: false,
      is_exit_test_day: false,
      ask_result: false,
      stage: 'checkin',
      checkin_hour: 8,
    },
  };
}
