// A second "web process" for the claim race (tests/services/inbox.test.ts): its own SQLite connection to the test's file,
// started by `fork`. On each `{ conversationId, actor, at }` it spins until the wall clock reaches `at` (so both racers
// claim in the same millisecond), claims, and sends the result back.
import { createRepositories, openDb } from '../../src/db/index.js';
import { claim, type InboxActor } from '../../src/services/inbox/index.js';

const file = process.argv[2];
if (!file || !process.send) throw new Error('usage: fork claim-racer.ts <database file> (with an IPC channel)');
const db = openDb(file);

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
