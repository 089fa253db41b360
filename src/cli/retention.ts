import { parseArgs } from 'node:util';
import type { Config } from '../config/index.js';
import { createRepositories, type Db } from '../db/index.js';
import { runRetention } from '../services/privacy/index.js';

export interface RetentionCommandDeps {
  db: Db;
  config: Pick<Config, 'RETENTION_DAYS_AFTER_CLOSE'>;
  now: number;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- retention run [--dry-run] [--at ISO-TIME]
  run        remove the personal data due at that moment (default: now) under RETENTION_DAYS_AFTER_CLOSE, as the daily
             job does; --dry-run only shows what it would remove (counts and record ids, never the data)`;

/** `retention run [--dry-run] [--at ISO]`; returns the exit code (0 ok, 2 usage). */
export async function runRetentionCommand(args: string[], deps: RetentionCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { at: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
  } catch (e) {
    deps.err.write(`${(e as Error).message}\n${usage}\n`);
    return 2;
  }
  const at = parsed.values.at === undefined ? deps.now : Date.parse(parsed.values.at);
  if (parsed.positionals[0] !== 'run' || parsed.positionals.length !== 1 || Number.isNaN(at)) {
    deps.err.write(`${usage}\n`);
    return 2;
  }
  const dryRun = parsed.values['dry-run'] === true;
  const days = deps.config.RETENTION_DAYS_AFTER_CLOSE;
  const r = runRetention(createRepositories(deps.db), { at, days, dryRun });
  const c = r.counts;
  const ids = (label: string, list: number[]) => (list.length ? `  ${label}: ${list.slice(0, 50).join(', ')}${list.length > 50 ? `, … (${list.length})` : ''}\n` : '');
  deps.out.write(
    `${dryRun ? 'would remove' : 'removed'} the personal data of records closed or unchanged before ${new Date(r.cutoff).toISOString()} (${days} days before ${new Date(at).toISOString()}):\n` +
      `  ${c.conversations} chats: ${c.messageTexts} message texts, ${c.answers} answers, ${c.auditValues} edited values in the audit log\n` +
      `  ${c.cases} cases (names, phones, dates of birth, ${c.places} places), ${c.contacts} contacts (names, phones)\n` +
      ids('chats', r.targets.conversationIds) +
      ids('cases', r.targets.caseIds) +
      ids('contacts', r.targets.contactIds) +
      (dryRun ? 'nothing was changed (dry run)\n' : 'counts, dates and statuses stay, so the dashboard shows the same figures\n'),
  );
  return 0;
}
