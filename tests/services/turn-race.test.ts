import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRepositories, openDb, type Db } from '../../src/db/index.js';
import type { MailboxItem } from '../../src/domain/mailbox-item.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { ConversationService } from '../../src/services/turn/index.js';
import { openTestDb, testDatabase } from '../support/test-db.js';
import { startTurnRacer, type RacerTurn } from '../support/turn-racer-process.js';

// Issue 15: the turn is one transaction that takes the write lock, so two workers that both take the same mailbox item (the
// Redis chat lock was lost) never run the same chat's turn twice, on SQLite and on PostgreSQL alike. Two processes with their
// own connections handle every message at the same instant; the result must equal one process handling each message once.
const FLOW = fileURLToPath(new URL('../fixtures/flows/valid-small.yaml', import.meta.url));
const NOW = Date.parse('2026-11-25T03:00:00Z');

// One script per chat, all the same length (rounds go message by message, chat by chat). They walk the small flow through
// its paths: contacts collected, invalid answers asked again, a risky answer handed to a tracer, a patient who stops.
const SCRIPTS = [
  ['halo', '2026-11-20', 'tidak', 'Budi', '2026-11-21', 'ya', 'Ani', '2026-11-22'],
  ['halo', 'minggu lalu', '2026-11-19', 'tidak', 'Citra', '2026-12-01', '2026-11-23', 'tidak'],
  ['halo', '2026-11-20', 'ya', 'halo?', 'tolong', 'saya sesak', 'halo', 'ada orang?'],
  ['halo', 'berhenti', 'ya', 'halo lagi', 'kenapa', 'tidak', 'ok', 'bye'],
  ['halo', '2026-11-18', 'mungkin', 'tidak', 'Dewi', '2026-11-20', 'tidak', 'terima kasih'],
];
const phone = (chat: number) => `+62812345670${chat + 10}`;

/** The flow and one case per chat, the same on every database. */
function seed(db: Db): void {
  const published = new FlowRegistry(createRepositories(db)).publish(readFileSync(FLOW, 'utf8'), FLOW, { origin: 'test', now: NOW - 1000 });
  if (!published.ok) throw new Error('fixture flow did not publish');
  SCRIPTS.forEach((_, chat) => {
    db.$client.prepare(`INSERT INTO cases (id, external_id, name, phone, confirmed_at) VALUES (?, ?, ?, ?, ?)`).run(chat + 1, `C-${chat + 1}`, `Pasien ${chat + 1}`, phone(chat), NOW - 86_400_000);
  });
}

/** The mailbox in the order a worker pool keeps it: message i of every chat before message i + 1 of any. */
function rounds(): { id: string; item: MailboxItem; now: number }[] {
  const out: { id: string; item: MailboxItem; now: number }[] = [];
  for (let i = 0; i < SCRIPTS[0]!.length; i++) {
    SCRIPTS.forEach((script, chat) => {
      const now = NOW + i * 60_000 + chat * 1000;
      const id = `c${chat}-m${i}`;
      const message = { channel: 'fake' as const, channelMessageId: id, channelUserId: `u${chat}`, phone: phone(chat), sentAt: now, content: { kind: 'text' as const, text: script[i]! } };
      out.push({ id, item: { type: 'message', message, enqueuedAt: now - 7 }, now });
    });
  }
  return out;
}

/** What one chat left behind: its conversations' state, transcript, answers and number of outbox rows. */
function chatState(db: Db, chat: number) {
  const q = (sql: string, ...params: unknown[]) => db.$client.prepare(sql).all(...params) as Record<string, unknown>[];
  return q(`SELECT id, step_id, state, owner, closed_reason, opted_out FROM conversations WHERE channel_user_id = ? ORDER BY id`, `u${chat}`).map((c) => ({
    stepId: c.step_id,
    state: JSON.parse(c.state as string) as unknown,
    owner: c.owner,
    closedReason: c.closed_reason,
    optedOut: c.opted_out,
    transcript: q(`SELECT direction, text FROM messages WHERE conversation_id = ? ORDER BY id`, c.id),
    answers: q(`SELECT key, value, raw, step_id FROM answers WHERE conversation_id = ? ORDER BY key`, c.id),
    outbox: q(`SELECT kind FROM outbox WHERE conversation_id = ? ORDER BY id`, c.id).map((r) => r.kind),
  }));
}

const service = (db: Db) => {
  const repos = createRepositories(db);
  return new ConversationService({ stores: repos, flows: new FlowRegistry(repos), defaultFlow: 'small-interview', defaultCountry: 'ID' });
};

/** Both racers get every item at the same instant, in mailbox order; returns what each reported, item by item. */
async function race(target: string, items: ReturnType<typeof rounds>): Promise<[RacerTurn, RacerTurn][]> {
  const racers = await Promise.all([0, 1].map(() => startTurnRacer(target)));
  const results: [RacerTurn, RacerTurn][] = [];
  try {
    for (const r of items) {
      // Both workers took the same item: same turn, same clock, started in the same millisecond.
      const at = Date.now() + 25;
      const [a, b] = await Promise.all(racers.map((racer) => racer.handle({ item: r.item, now: r.now, at, holdMs: 15 })));
      results.push([a!, b!]);
    }
    return results;
  } finally {
    await Promise.all(racers.map((r) => r.stop()));
  }
}

describe('the one-transaction turn under a lost chat lock', () => {
  it('two processes handling every message of five chats at the same instant run each turn exactly once', async () => {
    const items = rounds();
    const reference = openTestDb();
    const { target } = testDatabase();
    const db = openDb(target);
    try {
      seed(reference);
      const one = service(reference);
      for (const r of items) expect(one.handle(r.item, r.now).duplicate).toBe(false);
      // The scripts take the paths they are meant to (so the comparison covers them): collecting, done, handed over, stopped.
      const paths = SCRIPTS.map((_, chat) => chatState(reference, chat).map((c) => [c.owner, c.stepId, c.answers.length]));
      expect(paths).toEqual([[['bot', 'contacts', 3]], [['bot', null, 3]], [['tracer', 'route', 2]], [['closed', 'onset', 0]], [['bot', null, 3]]]);

      seed(db);
      const results = await race(target, items);
      results.forEach(([a, b], i) => {
        const id = items[i]!.id;
        expect([a.thrown, b.thrown], id).toEqual([undefined, undefined]);
        // Exactly one of the two ran the turn; the other found the message recorded and did nothing.
        expect([a.duplicate, b.duplicate].sort(), id).toEqual([false, true]);
        expect((a.duplicate ? a : b).outboxIds, id).toEqual([]);
      });
      // The collision was real: for most messages, one racer was inside handle() while the other was.
      const overlapped = results.filter(([a, b]) => a.start < b.end && b.start < a.end).length;
      expect(overlapped, `${overlapped} of ${results.length} turns overlapped`).toBeGreaterThanOrEqual(results.length / 2);

      const byId = (x: { id: string }, y: { id: string }) => (x.id < y.id ? -1 : 1);
      const inbound = db.$client.prepare(`SELECT channel_message_id AS id, count(*) AS n FROM messages WHERE direction = 'in' GROUP BY channel_message_id`).all() as { id: string; n: number }[];
      expect(inbound.sort(byId)).toEqual(items.map((r) => ({ id: r.id, n: 1 })).sort(byId));
      SCRIPTS.forEach((_, chat) => expect(chatState(db, chat), `chat ${chat}`).toEqual(chatState(reference, chat)));
    } finally {
      db.$client.close();
      reference.$client.close();
    }
  }, 30_000);
});
