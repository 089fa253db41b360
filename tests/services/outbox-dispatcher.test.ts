import { describe, expect, it } from 'vitest';
import { createRepositories, schema } from '../../src/db/index.js';
import { addEvent, addOutbox } from '../../src/services/outbox.js';
import { OUTBOX_KEEP_MS, OutboxDispatcher, type DispatchJob } from '../../src/services/outbox-dispatcher.js';
import { seedConversation } from '../support/seed.js';
import { openTestDb } from '../support/test-db.js';

describe('the outbox', () => {
  it('dispatches a row once, sweeps rows left behind after their grace time, and prunes dispatched rows after a week', async () => {
    const db = openTestDb();
    const { outbox } = createRepositories(db);
    const chat = seedConversation(db);
    let now = 1_000_000;
    const sent: { queue: string; job: DispatchJob }[] = [];
    const dispatcher = new OutboxDispatcher(
      outbox,
      {
        outbound: async (channel, jobs) => void sent.push(...jobs.map((job) => ({ queue: `outbound-${channel}`, job }))),
        events: async (jobs) => void sent.push(...jobs.map((job) => ({ queue: 'events', job }))),
      },
      () => now,
    );
    const send = addOutbox(outbox, { kind: 'send', conversationId: chat.conversationId, payload: { messageIds: [1], inboundAt: 5 } }, now);
    const event = addEvent(outbox, chat.conversationId, 'interview.completed', { conversationId: chat.conversationId }, now);

    await dispatcher.dispatch([send]);
    await dispatcher.dispatch([send]);
    expect(sent).toEqual([{ queue: 'outbound-fake', job: { name: 'send', jobId: `send-${send}`, data: { outboxId: send, conversationId: chat.conversationId, messageIds: [1], inboundAt: 5 } } }]);

    // The event row's turn "crashed" before dispatching it: the sweeper takes it once it has been available for the grace time.
    expect(await dispatcher.sweep(5_000)).toBe(0);
    now += 5_000;
    expect(await dispatcher.sweep(5_000)).toBe(1);
    expect(sent.at(-1)).toMatchObject({ queue: 'events', job: { name: 'interview.completed', jobId: `ev-${event}` } });

    now += OUTBOX_KEEP_MS - 1;
    expect(dispatcher.prune()).toBe(1); // the send row, dispatched 5 s before the event row
    now += 5_000;
    expect(dispatcher.prune()).toBe(1);
    expect(db.select().from(schema.outbox).all()).toEqual([]);
  });
});
