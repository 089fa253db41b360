// A second "web process" for the claim race (tests/services/inbox.test.ts): its own connection to the test's database
// (a SQLite file or a PostgreSQL URL), started by `fork`. On each `{ conversationId, actor, at }` it spins until the wall
// clock reaches `at` (so both racers claim in the same millisecond), claims, and sends the result back.
import { createRepositories, openDb } from '../../src/db/index.js';
import { claim, type InboxActor } from '../../src/services/inbox/index.js';

const target = process.argv[2];
if (!target || !process.send) throw new Error('usage: fork claim-racer.ts <database file or URL> (with an IPC channel)');
const db = openDb(target);

process.on('message', (m: { conversationId: number; actor: InboxActor; at: number } | 'exit') => {
  if (m === 'exit') {
    db.$client.close();
    process.disconnect();
    return;
  }
  while (Date.now() < m.at);
  const r = claim(createRepositories(db), m.conversationId, m.actor, Date.now());
  process.send!({ conversationId: m.conversationId, actorId: m.actor.id, result: r });
});
process.send({ ready: true });
