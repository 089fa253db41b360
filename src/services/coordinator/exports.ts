import type { Repositories } from '../../domain/repositories/index.js';
import { addDays } from '../../flow/answers/index.js';
import { toCsv } from '../csv.js';

// Column lists are part of the contract with the national system: append new columns at the end, never rename or reorder.
export const CASE_COLUMNS = [
  'case_id', 'external_id', 'name', 'phone', 'date_of_birth', 'language', 'area', 'test_date', 'confirmed_at', 'status',
  'first_reached_at', 'interview_completed_at', 'contacts_named', 'source_contact_id',
] as const;
export const CONTACT_COLUMNS = ['contact_id', 'name', 'phone', 'area', 'has_symptoms', 'exposures', 'last_contact_date', 'quarantine_until', 'became_case_id'] as const;
export const EXPOSURE_COLUMNS = [
  'exposure_id', 'case_id', 'case_external_id', 'contact_id', 'contact_name', 'contact_phone', 'setting', 'last_contact_date', 'has_symptoms', 'recorded_at',
] as const;

type Row<C extends readonly string[]> = Record<C[number], string | number | null>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const yesNo = (v: number | null) => (v === null ? null : v ? 'yes' : 'no');

/** Cases (optionally those confirmed in [fromMs, toMs)) as CSV with CASE_COLUMNS; times ISO 8601 UTC. */
export function exportCasesCsv(repos: Pick<Repositories, 'reports'>, range: { fromMs?: number; toMs?: number } = {}): string {
  const rows = repos.reports.exportCases(range.fromMs ?? Number.MIN_SAFE_INTEGER, range.toMs ?? Number.MAX_SAFE_INTEGER) as Row<typeof CASE_COLUMNS>[];
  for (const r of rows) {
    r.confirmed_at = iso(r.confirmed_at as number | null);
    r.first_reached_at = iso(r.first_reached_at as number | null);
    r.interview_completed_at = iso(r.interview_completed_at as number | null);
  }
  return toCsv(rows, [...CASE_COLUMNS]);
}

/** Active (not merged) contacts as CSV with CONTACT_COLUMNS; quarantine ends `quarantineDays` after the latest last contact. */
export function exportContactsCsv(repos: Pick<Repositories, 'reports'>, opts: { quarantineDays: number }): string {
  const rows = repos.reports.exportContacts() as Row<typeof CONTACT_COLUMNS>[];
  for (const r of rows) {
    r.has_symptoms = yesNo(r.has_symptoms as number | null);
    r.quarantine_until = typeof r.last_contact_date === 'string' ? addDays(r.last_contact_date, opts.quarantineDays) : null;
  }
  return toCsv(rows, [...CONTACT_COLUMNS]);
}

/** Every exposure (case -> contact) as CSV with EXPOSURE_COLUMNS, pointing at the contact that survives merges. */
export function exportExposuresCsv(repos: Pick<Repositories, 'reports'>): string {
  const rows = repos.reports.exportExposures() as Row<typeof EXPOSURE_COLUMNS>[];
  for (const r of rows) {
    r.has_symptoms = yesNo(r.has_symptoms as number | null);
    r.recorded_at = iso(r.recorded_at as number | null);
  }
  return toCsv(rows, [...EXPOSURE_COLUMNS]);
}
