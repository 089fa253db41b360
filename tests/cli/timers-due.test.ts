import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runTimersCommand } from '../../src/cli/timers.js';
import { createRepositories, openDb, type Db } from '../../src/db/index.js';
import { FlowRegistry } from '../../src/services/flow-registry.js';
import { ConversationService } from '../../src/services/turn/index.js';

// Timers are rows with a due time (issue 12): `npm run cli -- timers due --at T` replays a day without waiting for a clock.
// The small fixture flow keeps the defaults: a reminder after 4 h (at most 2), expiry after 3 days of silence.
const FLOW = fileURLToPath(new URL('../fixtures/flows/valid-small.yaml', import.meta.url));
const NOW = Date.parse('2026-11-25T03:00:00Z');
const H = 3_600_000;
const config = { DEFAULT_FLOW: 'small-interview', DEFAULT_COUNTRY: 'ID', VERIFY_FLOW: 'verify-identity' };

function setUp(): { db: Db; cli: (...args: string[]) => Promise<{ code: number; out: string }> } {
  const db = openDb(':memory:');
  const stores = createRepositories(db);
  const flows = new FlowRegistry(stores);
  if (!flows.publish(readFileSync(FLOW, 'utf8'), FLOW, { origin: 'test', now: NOW - 1000 }).ok) throw new Error('fixture flow did not publish');
  const service = new ConversationService({ stores, flows, defaultFlow: 'small-interview', defaultCountry: 'ID' });
  service.handle({ type: 'message', message: { channel: 'fake', channelMessageId: 'm1', channelUserId: 'u1', sentAt: NOW, content: { kind: 'text', text: 'halo' } }, enqueuedAt: NOW }, NOW);
  const cli = async (...args: string[]) => {
    let out = '';
    const code = await runTimersCommand(args, { db, config, now: NOW, out: { write: (t: string) => (out += t) }, err: { write: (t: string) => (out += t) } });
    return { code, out };
  };
  return { db, cli };
}

const sends = (db: Db) => (db.$client.prepare(`SELECT count(*) AS n FROM messages WHERE direction = 'out'`).get() as { n: number }).n;
const timers = (db: Db) => db.$client.prepare(`SELECT kind, due_at AS dueAt, state FROM timers ORDER BY kind`).all();
const closed = (db: Db) => (db.$client.prepare(`SELECT json_extract(state, '$.status') AS s FROM conversations`).get() as { s: string }).s;

describe('npm run cli -- timers due --at', () => {
  it('stores the timers a new chat arms, with their due time', async () => {
    const { db, cli } = setUp();
    expect(timers(db)).toEqual([
      { kind: 'expire', dueAt: NOW + 72 * H, state: 'pending' },
      { kind: 'reminder', dueAt: NOW + 4 * H, state: 'pending' },
    ]);
    expect((await cli('list')).out).toContain('2 pending');
  });

  it('fires nothing before the due time, reminds at it, and a second run at the same moment has no further effect', async () => {
    const { db, cli } = setUp();
    const greeting = sends(db);
    expect((await cli('due', '--at', new Date(NOW + 4 * H - 1).toISOString())).out).toContain('fired 0 timers');
    expect(sends(db)).toBe(greeting);
    const at = new Date(NOW + 4 * H).toISOString();
    expect(await cli('due', '--at', at)).toMatchObject({ code: 0 });
    const reminded = sends(db);
    expect(reminded).toBeGreaterThan(greeting);
    // The reminder re-armed itself 4 h later: firing again now is "early" and sends nothing.
    await cli('due', '--at', at);
    expect(sends(db)).toBe(reminded);
    expect(timers(db)).toContainEqual({ kind: 'reminder', dueAt: NOW + 8 * H, state: 'pending' });
  });

  it('replays three silent days hour by hour: the chat stops waiting and no timer due by then is left pending', async () => {
    const { db, cli } = setUp();
    for (let h = 1; h <= 80; h++) await cli('due', '--at', new Date(NOW + h * H).toISOString());
    expect(closed(db)).not.toBe('active');
    expect((db.$client.prepare(`SELECT count(*) AS n FROM timers WHERE state = 'pending' AND due_at <= ?`).get(NOW + 80 * H) as { n: number }).n).toBe(0);
  });

  it('refuses a time it cannot read', async () => {
    const { cli } = setUp();
    expect((await cli('due', '--at', 'yesterday-ish')).code).toBe(2);
  });
});
