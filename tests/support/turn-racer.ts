// A second "worker process" for the turn race (tests/services/turn-race.test.ts): its own connection to the test's database
// (a SQLite file or a PostgreSQL URL), started by `fork`. On each `{ item, now, at }` it spins until the wall clock reaches
// `at` (so both racers start the same turn in the same millisecond), handles the item and sends back the outcome and when
// handle() started and ended (wall-clock milliseconds with a fraction, comparable across processes).
// A turn takes a fraction of a millisecond, less than two processes' start times differ on a busy machine. So the racer
// lingers `holdMs` right after finding the message new, before recording it: the window in which a turn without the write
// lock would let the other racer find it new too. With the lock, the other racer waits at BEGIN through that window.
import { performance } from 'node:perf_hooks';
import { createRepositories, openDb } from '../../src/db/index.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { ConversationService } from '../../src/services/turn/index.js';

const target = process.argv[2];
if (!target || !process.send) throw new Error('usage: fork turn-racer.ts <database file or URL> (with an IPC channel)');
const db = openDb(target);
const repos = createRepositories(db);
let holdMs = 0;
const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const messages = { ...repos.messages, inboundExists: (...args: Parameters<typeof repos.messages.inboundExists>) => repos.messages.inboundExists(...args) || (spin(holdMs), false) };
const service = new ConversationService({ stores: { ...repos, messages }, flows: new FlowRegistry(repos), defaultFlow: 'small-interview', defaultCountry: 'ID' });
const wallClock = () => performance.timeOrigin + performance.now();

process.on('message', (m: { item: MailboxItem; now: number; at: number; holdMs: number } | 'exit') => {
  if (m === 'exit') {
    db.$client.close();
    process.disconnect();
    return;
  }
  holdMs = m.holdMs;
  while (Date.now() < m.at);
  const start = wallClock();
  try {
    const out = service.handle(m.item, m.now);
    process.send!({ start, end: wallClock(), duplicate: out.duplicate, conversationId: out.conversationId, outboxIds: out.outboxIds, errors: out.errors });
  } catch (error) {
    process.send!({ start, end: wallClock(), thrown: String(error) });
  }
});
process.send({ ready: true });
