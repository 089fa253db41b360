import { beforeEach, describe, expect, it } from 'vitest';
import { createRepositories, type Db } from '../../src/db/index.js';
import { DeliveryService } from '../../src/services/delivery.js';
import { DeliveryReceipts } from '../../src/services/delivery-receipts.js';
import { openTestDb } from '../support/test-db.js';

const NOW = 1_790_000_000_000;

describe('delivery receipts on the transcript', () => {
  let db: Db;
  let receipts: DeliveryReceipts;
  let conv: number;
  const row = (id: number) => db.$client.prepare(`SELECT status, error, channel_message_id AS wamid FROM messages WHERE id = ?`).get(id) as { status: string; error: string | null; wamid: string | null };
  const reply = (status: string, wamid: string | null) =>
    Number(
      db.$client
        .prepare(`INSERT INTO messages (conversation_id, direction, sender, kind, text, channel, channel_message_id, status) VALUES (?, 'out', 'bot', 'text', 'Halo', 'whatsapp', ?, ?)`)
        .run(conv, wamid, status).lastInsertRowid,
    );

  beforeEach(() => {
    db = openTestDb();
    conv = Number(
      db.$client
        .prepare(`INSERT INTO conversations (channel, channel_user_id, flow_id, flow_version, state, owner) VALUES ('whatsapp', '6281300000001@s.whatsapp.net', 'case-interview', 1, '{}', 'bot')`)
        .run().lastInsertRowid,
    );
    const stores = createRepositories(db);
    receipts = new DeliveryReceipts(stores, new DeliveryService(stores, () => NOW), () => NOW);
  });

  it('moves a reply forward from sent to delivered to read, never back (receipts arrive out of order)', () => {
    const id = reply('sent', 'wamid.A');
    expect(receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.A', status: 'read' }).live).toHaveLength(1);
    expect(receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.A', status: 'delivered' }).live).toEqual([]);
    expect(row(id).status).toBe('read');
  });

  it('leaves a reply that is still queued alone, and ignores ids it does not know', () => {
    const id = reply('queued', null);
    receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.X', outboxId: `m${id}`, status: 'delivered' });
    expect(row(id).status).toBe('queued');
    expect(receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.unknown', status: 'read' })).toEqual({ live: [], outboxIds: [] });
  });

  it('records a failure with its code in the transcript, without escalating', () => {
    const id = reply('sent', 'wamid.B');
    const r = receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.B', status: 'failed', error: { code: 131053, title: 'Media upload error' } });
    expect(row(id)).toMatchObject({ status: 'failed', error: 'whatsapp error 131053: Media upload error' });
    expect(r.outboxIds).toEqual([]);
    expect(db.$client.prepare(`SELECT count(*) AS n FROM escalations`).get()).toEqual({ n: 0 });
  });

  it('a failure meaning "not on WhatsApp" marks the conversation unreachable and opens a call task', () => {
    const id = reply('sent', 'wamid.C');
    const r = receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.C', status: 'failed', error: { code: 131026, title: 'Message undeliverable' }, unreachable: true });
    expect(row(id).status).toBe('failed');
    expect(db.$client.prepare(`SELECT unreachable FROM conversations WHERE id = ?`).get(conv)).toEqual({ unreachable: 1 });
    expect(db.$client.prepare(`SELECT reason, detail FROM escalations`).get()).toEqual({ reason: 'unreachable', detail: 'whatsapp error 131026: Message undeliverable' });
    expect(r.outboxIds).toHaveLength(1);
    // Meta retries webhooks: the same failed receipt again opens no second call task.
    receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.C', status: 'failed', error: { code: 131026, title: 'Message undeliverable' }, unreachable: true });
    expect(db.$client.prepare(`SELECT count(*) AS n FROM escalations`).get()).toEqual({ n: 1 });
  });

  it('a held reply that went out later takes its new id, so its receipts find it', () => {
    const id = reply('sent', 'wamid.TEMPLATE');
    receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.REAL', outboxId: `m${id}`, status: 'sent', released: true });
    expect(row(id).wamid).toBe('wamid.REAL');
    receipts.record({ channel: 'whatsapp', channelMessageId: 'wamid.REAL', status: 'delivered' });
    expect(row(id).status).toBe('delivered');
  });
});
