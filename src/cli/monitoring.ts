import type { Config } from '../config/index.js';
import { createRepositories, type Db } from '../db/index.js';
import { FlowRegistry } from '../services/flow-registry.js';
import { createMonitoringTurns, getMonitoringPolicy, monitoringTick } from '../services/monitoring/index.js';
import { ConversationService, type FollowUp } from '../services/turn/index.js';
import { parseAtCommand } from './at-command.js';

export interface MonitoringCommandDeps {
  db: Db;
  config: Pick<Config, 'DEFAULT_FLOW' | 'DEFAULT_COUNTRY' | 'VERIFY_FLOW' | 'monitoringPolicy' | 'START_CODE_TTL_DAYS'>;
  now: number;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

const usage = `usage: npm run cli -- monitoring <command>
  tick [--at ISO-TIME]   run the contact follow-up scheduler as if the clock read that moment (default: now): enrol new
                         exposures, count yesterday's unanswered check-ins, plan and start the day's check-ins, release
                         contacts whose quarantine is over; a running worker sends the replies they queue and notifies
                         newly enrolled contacts
  policy                 print the quarantine policy in force`;

/** `monitoring ...` sub-commands; returns the exit code (0 ok, 2 usage). */
export async function runMonitoringCommand(args: string[], deps: MonitoringCommandDeps): Promise<number> {
  const cmd = parseAtCommand(args, ['tick', 'policy'], usage, deps.now, deps.err);
  if (!cmd) return 2;
  const { sub, at } = cmd;
  const stores = createRepositories(deps.db);
  const { config } = deps;
  const policy = () => getMonitoringPolicy(stores, config.monitoringPolicy);
  if (sub === 'policy') {
    deps.out.write(`${JSON.stringify(policy(), null, 2)}\n`);
    return 0;
  }
  const conversations = new ConversationService({
    stores,
    flows: new FlowRegistry(stores),
    defaultFlow: config.DEFAULT_FLOW,
    defaultCountry: config.DEFAULT_COUNTRY,
    verifyFlow: config.VERIFY_FLOW,
    monitoring: createMonitoringTurns({ policy, startCodeTtlMs: config.START_CODE_TTL_DAYS * 86_400_000 }),
  });
  const r = monitoringTick(stores, policy(), at);
  // Run the items here, as the chats' mailboxes would (the turn decides whether each is still due); follow-ups too.
  let outbox = r.outboxIds.length;
  const queue: FollowUp[] = [...r.items];
  for (let item = queue.shift(); item; item = queue.shift()) {
    const outcome = conversations.handle(item, at);
    outbox += outcome.outboxIds.length;
    queue.push(...outcome.followUps);
  }
  deps.out.write(
    `monitoring tick at ${new Date(at).toISOString()} (local date ${r.date}): ${r.enrolled} exposures enrolled, ${r.notify.length} contacts waiting for ` +
      `notification, ${r.planned} check-ins planned, ${r.items.length} runs started, ${r.missed} missed, ${r.unresponsive} unresponsive, ` +
      `${r.released} released without a chat; ${outbox} outbox rows queued\n`,
  );
  return 0;
}
