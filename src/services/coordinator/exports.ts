import type { Repositories } from '../../domain/repositories/index.js';
import { addDays } from '../../flow/answers/index.js';
import { MACHINE_CSV, toCsv, type CsvDialect } from '../csv.js';
import { isoInZone } from './zoned-time.js';

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

/** How an export is written: times in the deployment's zone (with the offset), and the CSV dialect. */
export interface ExportFormat {
  timeZone: string;
  dialect?: CsvDialect;
}

const stamp = (ms: number | null, f: ExportFormat) => (ms === null ? null : isoInZone(ms, f.timeZone));
const yesNo = (v: number | null) => (v === null ? null : v ? 'yes' : 'no');

/** Cases (optionally those confirmed in [fromMs, toMs)) as CSV with CASE_COLUMNS; times ISO 8601 with the zone's offset. */
export function exportCasesCsv(repos: Pick<Repositories, 'reports'>, range: { fromMs?: number; toMs?: number }, f: ExportFormat): string {
  const rows = repos.reports.exportCases(range.fromMs ?? Number.MIN_SAFE_INTEGER, range.toMs ?? Number.MAX_SAFE_INTEGER) as Row<typeof CASE_COLUMNS>[];
  for (const r of rows) {
    r.confirmed_at = stamp(r.confirmed_at as number | null, f);
    r.first_reached_at = stamp(r.first_reached_at as number | null, f);
    r.interview_completed_at = stamp(r.interview_completed_at as number | null, f);
  }
  return toCsv(rows, [...CASE_COLUMNS], f.dialect ?? MACHINE_CSV);
}

/** Active (not merged) contacts as CSV with CONTACT_COLUMNS; quarantine ends `quarantineDays` after the latest last contact. */
export function exportContactsCsv(repos: Pick<Repositories, 'reports'>, opts: { quarantineDays: number }, f: ExportFormat): string {
  const rows = repos.reports.exportContacts() as Row<typeof CONTACT_COLUMNS>[];
  for (const r of rows) {
    r.has_symptoms = yesNo(r.has_symptoms as number | null);
    r.quarantine_until = typeof r.last_contact_date === 'string' ? addDays(r.last_contact_date, opts.quarantineDays) : null;
  }
  return toCsv(rows, [...CONTACT_COLUMNS], f.dialect ?? MACHINE_CSV);
}

/** Every exposure (case -> contact) as CSV with EXPOSURE_COLUMNS, pointing at the contact that survives merges. */
export function exportExposuresCsv(repos: Pick<Repositories, 'reports'>, f: ExportFormat): string {
  const rows = repos.reports.exportExposures() as Row<typeof EXPOSURE_COLUMNS>[];
  for (const r of rows) {
    r.has_symptoms = yesNo(r.has_symptoms as number | null);
    r.recorded_at = stamp(r.recorded_at as number | null, f);
  }
  return toCsv(rows, [...EXPOSURE_COLUMNS], f.dialect ?? MACHINE_CSV);
}
