import { loadConfig } from '../config/index.js';
import { closeDb, openDb } from '../db/index.js';

const usage = `usage: npm run cli -- <command>
  users add --role tracer|coordinator|admin <email> [--area CODE,...]  create an account (prints a one-time password)
  users list | areas | reset-password | two-factor-off | ...      see npm run cli -- users
  tokens create <name> [--role coordinator|admin] | list | revoke <name>   API tokens (a new token is printed once)
  timers due [--at ISO-TIME] | timers list [--at ISO-TIME]         run (or list) the reminders and expiries due at a moment
  monitoring tick [--at ISO-TIME] | monitoring policy             run the contact follow-up scheduler for a moment; print the policy
  retention run [--dry-run] [--at ISO-TIME]                        remove (or show) the personal data past its retention time
  demo                                                            fill an empty database with synthetic demo data
  db migrate | db copy --to postgres://...[?schema=name]          apply pending migrations; copy SQLite into an empty PostgreSQL`;

/** `npm run cli -- ...`: administrative commands on the configured database. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  if (command === 'db') {
    // These open the databases themselves: the migration count is read before migrating, and a copy opens two.
    const { runDbCommand } = await import('./db.js');
    return runDbCommand(rest, { database: config.database, out: process.stdout, err: process.stderr });
  }
  const db = openDb(config.database);
  try {
    switch (command) {
      case 'tokens': {
        const { runTokensCommand } = await import('./tokens.js');
        return runTokensCommand(rest, { db, now: Date.now(), out: process.stdout, err: process.stderr });
      }
      case 'users': {
        const { runUsersCommand } = await import('./users.js');
        return await runUsersCommand(rest, { db, now: Date.now(), out: process.stdout, err: process.stderr });
      }
      case 'timers': {
        const { runTimersCommand } = await import('./timers.js');
        return await runTimersCommand(rest, { db, config, now: Date.now(), out: process.stdout, err: process.stderr });
      }
      case 'monitoring': {
        const { runMonitoringCommand } = await import('./monitoring.js');
        return await runMonitoringCommand(rest, { db, config, now: Date.now(), out: process.stdout, err: process.stderr });
      }
      case 'retention': {
        const { runRetentionCommand } = await import('./retention.js');
        return await runRetentionCommand(rest, { db, config, now: Date.now(), out: process.stdout, err: process.stderr });
      }
      case 'demo': {
        const { runDemo } = await import('./demo.js');
        const r = runDemo(db, { now: Date.now(), seed: 42, flowsDir: config.FLOWS_DIR, monitoringPolicy: config.monitoringPolicy });
        if (!r.ok) {
          process.stderr.write(`demo: ${r.detail}\n`);
          return 1;
        }
        const d = r.summary;
        process.stdout.write(
          `demo data: ${d.cases} cases, ${d.conversations} chats (${d.completed} completed), ${d.contacts} contacts, ` +
            `${d.escalations.open} open escalations. A running server may stay running; otherwise start it with npm start. ` +
            `Create your account (npm run cli -- users add --role admin you@example.org) and open /coord/dashboard or /inbox.\n`,
        );
        const f = d.monitoring;
        process.stdout.write(
          `contacts followed: ${f.notified + f.monitoring} in quarantine, ${f.symptomatic} with symptoms, ${f.unreachable} not answering, ${f.needs_call} to call, ` +
            `${f.released} released, ${f.became_case} became cases (see /coord/monitoring).\n`,
        );
        return 0;
      }
      default:
        process.stderr.write(`${usage}\n`);
        return command ? 2 : 0;
    }
  } finally {
    closeDb(db);
  }
}

process.exitCode = await main(process.argv.slice(2));
