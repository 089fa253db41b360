import type { Config } from '../config/index.js';
import { createRepositories, type Db } from '../db/index.js';
import { FlowRegistry } from '../services/flow-registry.js';
import { ConversationService, runDueTimers } from '../services/turn/index.js';
import { parseAtCommand } from './at-command.js';

export interface TimersCommandDeps {
  db: Db;
  config: Pick<Config, 'DEFAULT_FLOW' | 'DEFAULT_COUNTRY' | 'VERIFY_FLOW'>;
  now: number;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- timers <command>
  due [--at ISO-TIME]    fire every reminder and expiry timer due at that moment (default: now), as if the clock read it;
                         a running worker sends the replies they queue
  list [--at ISO-TIME]   list the pending timers (due by then, default: all)`;

/** `timers ...` sub-commands over the stored timers; returns the exit code (0 ok, 2 usage). */
export async function runTimersCommand(args: string[], deps: TimersCommandDeps): Promise<number> {
  const cmd = parseAtCommand(args, ['due', 'list'], usage, deps.now, deps.err);
  if (!cmd) return 2;
  const { sub, at } = cmd;
  const stores = createRepositories(deps.db);
  if (sub === 'list') {
    const rows = stores.timers.pendingDueBy(cmd.atGiven ? at : Number.POSITIVE_INFINITY, 100_000);
    for (const t of rows) deps.out.write(`${new Date(t.dueAt).toISOString()}  ${t.kind}  conversation ${t.conversationId}\n`);
    deps.out.write(`${rows.length} pending\n`);
    return 0;
  }
  const { config } = deps;
  const conversations = new ConversationService({
    stores,
    flows: new FlowRegistry(stores),
    defaultFlow: config.DEFAULT_FLOW,
    defaultCountry: config.DEFAULT_COUNTRY,
    verifyFlow: config.VERIFY_FLOW,
  });
  const r = runDueTimers(stores.timers, conversations, at);
  deps.out.write(`fired ${r.fired} timers due by ${new Date(at).toISOString()}; ${r.outboxIds.length} outbox rows queued\n`);
  return 0;
}
