import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './system.js';

/**
 * A FLOWS_DIR holding the default interview with its reminder settings changed (e.g. `reminder_after: 1s`), derived from
 * the repository's file at run time so the test flow never drifts from the real one.
 */
export function flowsDirWithReminders(settings: { reminderAfter: string; maxReminders: number }): string {
  const source = readFileSync(path.join(repoRoot, 'flows', 'case-interview.yaml'), 'utf8');
  const changed = source
    .replace(/^(\s+)reminder_after: \S+$/m, `$1reminder_after: ${settings.reminderAfter}`)
    .replace(/^(\s+)max_reminders: \S+$/m, `$1max_reminders: ${settings.maxReminders}`);
  if (!changed.includes(`reminder_after: ${settings.reminderAfter}`) || !changed.includes(`max_reminders: ${settings.maxReminders}`)) {
    throw new Error('flows/case-interview.yaml has no reminder_after/max_reminders settings to change');
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracebot-flows-'));
  writeFileSync(path.join(dir, 'case-interview.yaml'), changed);
  return dir;
}
