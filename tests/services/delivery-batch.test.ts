import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.js';
import type { Channel, OutboundMessage, SendResult } from '../../src/domain/channel.js';
import { DeliveryService } from '../../src/services/delivery.js';
import { tempDb } from '../support/temp-db.js';

/** A channel that answers each send from a script and records what it was asked to send. */
function scriptedChannel(results: SendResult[]): Channel & { sent: OutboundMessage[] } {
  const sent: OutboundMessage[] = [];
  const channel: Channel & { sent: OutboundMessage[] } = {
    name: 'fake',
    sent,
    async start() {},
    async stop() {},
    async send(m) {
      sent.push(m);
      return results.shift() ?? { ok: true, channelMessageIds: [`p-${m.id}`] };
    },
  };
  return channel;
}

function setUp() {
  const { db } = tempDb();
  const stores = createRepositories(db);
  const conv = stores.conversations.insert({ channel: 'fake', channelUserId: 'u-1', caseId: null, flowId: 'f', flowVersion: 1, state: '{}', lang: 'id', now: 1 });
  const line = (text: string, payload: string | null = null) =>
    stores.messages.insert({ conversationId: conv.id, direction: 'out', sender: 'bot', kind: 'text', text, payload, channel: 'fake', channelMessageId: null, stepId: null, status: 'queued', sentAt: null, now: 1 });
  const status = (id: number) => db.$client.prepare(`SELECT status, channel_message_id AS cmid, sent_at AS sentAt FROM messages WHERE id = ?`).get(id);
  return { db, stores, conv, line, status };
}

describe('delivery of a turn\'s replies', () => {
  it('sends every bubble in order with its choices and marks them all sent with their platform ids', async () => {
    const { stores, conv, line, status } = setUp();
    const ids = [line('satu'), line('dua', JSON.stringify({ choices: [{ value: 'ya', label: 'Ya' }] })), line('tiga')];
    const channel = scriptedChannel([]);
    const r = await new DeliveryService(stores, () => 50).deliver({ conversationId: conv.id, messageIds: ids }, channel);
    expect(r.kind).toBe('done');
    expect(channel.sent.map((m) => [m.text, m.channelUserId, m.id])).toEqual([
      ['satu', 'u-1', `m${ids[0]}`],
      ['dua', 'u-1', `m${ids[1]}`],
      ['tiga', 'u-1', `m${ids[2]}`],
    ]);
    expect(channel.sent[1]!.choices).toEqual([{ value: 'ya', label: 'Ya' }]);
    for (const id of ids) expect(status(id)).toEqual({ status: 'sent', cmid: `p-m${id}`, sentAt: 50 });
    expect(r.live.map((e) => e.messageId)).toEqual(ids);
  });

  it('marks what went out before a transient failure, so the retry sends only the rest', async () => {
    const { stores, conv, line, status } = setUp();
    const ids = [line('satu'), line('dua'), line('tiga')];
    const channel = scriptedChannel([{ ok: true, channelMessageIds: ['p1'] }, { ok: false, kind: 'transient', detail: 'timeout' }]);
    const delivery = new DeliveryService(stores, () => 60);
    const first = await delivery.deliver({ conversationId: conv.id, messageIds: ids }, channel);
    expect(first.kind).toBe('transient');
    expect(status(ids[0]!)).toEqual({ status: 'sent', cmid: 'p1', sentAt: 60 });
    expect(status(ids[1]!)).toMatchObject({ status: 'queued' });
    const retry = await delivery.deliver({ conversationId: conv.id, messageIds: ids }, channel);
    expect(retry).toMatchObject({ kind: 'done', sent: 2 });
    expect(channel.sent.map((m) => m.text)).toEqual(['satu', 'dua', 'dua', 'tiga']);
    expect(status(ids[2]!)).toMatchObject({ status: 'sent' });
  });

  it('holds a job back while an earlier reply of the chat is still queued', async () => {
    const { stores, conv, line } = setUp();
    const earlier = line('pertama');
    const later = line('kedua');
    const channel = scriptedChannel([]);
    const r = await new DeliveryService(stores, () => 70).deliver({ conversationId: conv.id, messageIds: [later] }, channel);
    expect(r.kind).toBe('wait');
    expect(channel.sent).toEqual([]);
    expect(earlier).toBeLessThan(later);
  });
});
